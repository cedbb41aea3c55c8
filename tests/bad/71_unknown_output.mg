# an output that is not a label
x: input 8
a: dense 4 <- x
b: dense 2 <- x
outputs a, bb
