# a block with one input, read with two sources
block basic filters
  x: input
  conv2d $filters 3x3 padding=same
end
input 32x32x3
a: conv2d 8 3x3
b: conv2d 8 3x3 <- a
basic 16 <- a, b
