# a parameter the block's body never uses
block basic filters stride=1
  x: input
  conv2d $filters 3x3 padding=same
end
input 32x32x3
basic 16
