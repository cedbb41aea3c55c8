# an input reads nothing
a: input 8
b: input 8 <- a
add <- a, b
