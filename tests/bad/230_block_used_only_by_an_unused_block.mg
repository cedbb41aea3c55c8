# a block only another unused block uses: the unused one is said, once
block inner units
  x: input
  dense $units
end
block outer units
  x: input
  inner $units
end
input 8
dense 2
