# an input cannot be an output
x: input 8
a: dense 4 <- x
outputs x, a
