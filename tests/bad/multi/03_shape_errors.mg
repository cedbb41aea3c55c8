# errors: 2
# Two branches, each refused by shape inference; both are reported.
a: input 12
b: input 8x8
r: reshape 5x2 <- a
c: conv2d 4 3x3 <- b
outputs r, c
