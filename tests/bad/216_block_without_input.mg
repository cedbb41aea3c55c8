# a block's body without an input
block basic filters
  conv2d $filters 3x3 padding=same
end
input 32x32x3
basic 16
