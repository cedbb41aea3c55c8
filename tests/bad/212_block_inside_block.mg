# a block defined inside another block's body
block outer filters
  x: input
  block inner
    y: input
    dense 3
  end
  conv2d $filters 3x3 padding=same
end
input 32x32x3
outer 16
