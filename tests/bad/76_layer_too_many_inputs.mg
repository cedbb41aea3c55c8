# dense reads one input
a: input 8
b: input 8
dense 4 <- a, b
