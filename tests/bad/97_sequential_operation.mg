# style: sequential
# a Sequential model holds only layers
input 8
dense 8
add_constant 3.0
