# concatenated inputs differ on an axis other than the last
a: input 10x10
b: input 12x10
concatenate <- a, b
