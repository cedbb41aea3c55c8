# a use without the block's required parameter
block basic filters stride=1
  x: input
  conv2d $filters 3x3 strides=$stride padding=same
end
input 32x32x3
basic stride=2
