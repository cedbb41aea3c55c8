# a block whose body uses itself
block basic filters
  x: input
  conv2d $filters 3x3 padding=same
  basic $filters
end
input 32x32x3
basic 16
