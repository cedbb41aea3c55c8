# the last of four uses pools a 1x1 input
block pool size
  x: input
  maxpooling2d $size
end
input 8x8x3
pool 2x2 * 4
flatten
dense 10
