# a block named like a keyword: 'model 4' could never use it
block model units
  x: input
  dense $units
end
input 8
dense 2
