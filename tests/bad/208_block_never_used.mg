# a block no layer uses
block basic filters
  x: input
  conv2d $filters 3x3 padding=same
end
input 32x32x3
conv2d 8 3x3
