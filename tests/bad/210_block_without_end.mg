# a block whose body has no 'end'
block basic filters
  x: input
  conv2d $filters 3x3 padding=same
input 32x32x3
basic 16
