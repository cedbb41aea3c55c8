# two outputs statements
x: input 8
a: dense 4 <- x
b: dense 2 <- x
outputs a
outputs b
