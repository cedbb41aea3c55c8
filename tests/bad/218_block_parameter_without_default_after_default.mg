# a parameter without a default after one with a default
block basic stride=1 filters
  x: input
  conv2d $filters 3x3 strides=$stride padding=same
end
input 32x32x3
basic 16
