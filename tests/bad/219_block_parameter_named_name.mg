# a parameter named like what every Keras layer takes
block basic filters name
  x: input
  conv2d $filters 3x3 padding=same
end
input 32x32x3
basic 16 first
