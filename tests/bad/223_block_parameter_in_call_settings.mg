# a parameter inside a call's settings
block basic filters decay=0.0001
  x: input
  conv2d $filters 3x3 padding=same kernel_regularizer=l2($decay)
end
input 32x32x3
basic 16
