# a repetition of a block that repeats a layer: a million layers
block u units
  x: input
  dense $units * 1000
end
block w units
  x: input
  u $units * 1000
end
input 8
w 4
