# the second use's pool is larger than what it reads; the first use is fine
block pool size
  x: input
  maxpooling2d $size
end
input 8x8x3
pool 2x2
pool 8x8
flatten
dense 10
