# a block with two outputs (a block gives one output for now)
block split units
  x: input
  a: dense $units
  b: dense $units <- x
  outputs a, b
end
input 32
split 8
