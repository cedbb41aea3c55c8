# a syntax error in the model: a block before it is still one block, with its end
block basic filters
  x: input
  conv2d $filters 3x3 padding=same
end
input 32x32x3
basic 16
dense 2 units=
