# a parameter's default that its body does not take, though every use gives a value
block basic filters=ten
  x: input
  conv2d $filters 3x3 padding=same
end
input 32x32x3
basic 16
