# a use gives $filters a word, where conv2d's filters take an integer
block basic filters
  x: input
  conv2d $filters 3x3 padding=same
end
input 32x32x3
basic 16
basic ten
