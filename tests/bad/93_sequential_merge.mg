# style: sequential
# a Sequential model cannot merge
a: input 8
b: dense 8 relu
add <- a, b
