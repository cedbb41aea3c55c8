# a use's value holds a parameter, outside any block
block basic filters reg=l2(0.001)
  x: input
  conv2d $filters 3x3 padding=same kernel_regularizer=$reg
end
input 32x32x3
basic 16 reg=l1($z)
