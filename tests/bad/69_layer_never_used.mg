# a branch nobody reads
x: input 8
a: dense 8 relu <- x
b: dense 8 relu <- x
out: dense 1 <- a
