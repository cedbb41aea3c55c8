# two blocks that use each other: a uses b, b uses a
block a filters
  x: input
  b $filters
end
block b filters
  x: input
  a $filters
end
input 32x32x3
a 16
