# arguments go before '<-', which ends the statement
a: input 8
b: dense 8 <- a relu
