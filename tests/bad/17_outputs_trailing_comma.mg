# a trailing comma in 'outputs'
a: input 8
b: dense 4 <- a
c: dense 2 <- a
outputs b, c,
