# a block named like a Keras layer
block dense units
  x: input
  conv2d $units 3x3 padding=same
end
input 32x32x3
dense 16
