# errors: 5
# Every block's definition and every use are checked before anything stops.
block conv filters
  x: input
  conv2d $fliters 3x3 padding=same
end
block pool size
  x: input
  maxpooling2d $size
end
block spare units
  x: input
  dense $units
end
input 8x8x3
conv 4
pool 2x2
pool ten
pool 2x2 strides=2
dense 3 <- nowhere
