# style: sequential-list
# a Sequential model cannot skip a layer
a: input 8
b: dense 8 relu
c: dense 8 relu
d: dense 8 relu <- b
concatenate <- c, d
