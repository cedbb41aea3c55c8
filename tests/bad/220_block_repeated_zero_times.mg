# a repetition of no uses
block basic filters
  x: input
  conv2d $filters 3x3 padding=same
end
input 32x32x3
basic 16 * 0
