# style: sequential-list
# a Sequential model cannot merge
a: input 8
b: dense 8 relu
concatenate <- a, b
