# style: sequential
# a Sequential model has one input
a: input 8
b: input 8
concatenate <- a, b
