# forward references are fine, cycles are not
x: input 8
a: dense 8 <- b
b: dense 8 <- a
outputs b
