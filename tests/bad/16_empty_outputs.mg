# 'outputs' lists at least one label
a: input 8
b: dense 4 <- a
outputs
