# the second stage gives $filters a word
block conv filters
  x: input
  conv2d $filters 3x3 padding=same
end
input 8x8x3
conv * [4] [ten]
flatten
dense 3
