# a label in a block's body named like one of its parameters
block head units
  x: input
  units: dense $units
  dense 2
end
input 8
head 4
