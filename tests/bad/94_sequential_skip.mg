# style: sequential
# a Sequential model cannot skip a layer
a: input 8
b: dense 8 relu
c: dense 8 relu <- a
add <- b, c
