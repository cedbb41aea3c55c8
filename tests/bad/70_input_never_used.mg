# a second input nobody reads
a: input 8
b: input 4
dense 1 <- a
