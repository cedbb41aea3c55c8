# a merge layer cannot be repeated in a chain
input 32
a: dense 8
b: dense 8 <- a
add * 2 <- a, b
