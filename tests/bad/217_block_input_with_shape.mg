# a block's input takes its shape from where the block is used
block basic filters
  x: input 28x28
  conv2d $filters 3x3 padding=same
end
input 32x32x3
basic 16
