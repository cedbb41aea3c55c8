# two inputs, two outputs, with a skip connection
model two_towers
input_1: input 10x10
input_2: input 10x28
hidden1: dense 100 relu
hidden2: dense 10 relu
concat: concatenate <- input_1, hidden2
output: dense 1 sigmoid
sum_output: dense 1 <- hidden2
outputs output, sum_output
