# a use gives more positional values than the block has parameters
block basic filters stride=1
  x: input
  conv2d $filters 3x3 strides=$stride padding=same
end
input 32x32x3
basic 16 2 3
