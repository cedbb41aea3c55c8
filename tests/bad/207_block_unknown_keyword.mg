# a use names a parameter the block does not have
block basic filters stride=1
  x: input
  conv2d $filters 3x3 strides=$stride padding=same
end
input 32x32x3
basic 16 strides=2
