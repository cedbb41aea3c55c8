# an output listed twice
x: input 8
a: dense 4 <- x
outputs a, a
