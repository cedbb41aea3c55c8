# a misspelt parameter in a block's body: $fliters for $filters
block basic filters
  x: input
  conv2d $fliters 3x3 padding=same
end
input 32x32x3
basic 16
