# two blocks of one name
block basic filters
  x: input
  conv2d $filters 3x3 padding=same
end
block basic filters
  x: input
  conv2d $filters 1x1
end
input 32x32x3
basic 16
