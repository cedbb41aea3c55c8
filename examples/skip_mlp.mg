# The seed tutorial's Dense stack whose output is concatenated with the input
# itself: a skip connection that lets the last layer see the raw features.
model skip_mlp
inputs: input 28x28
hidden: dense 300 relu
hidden1: dense 30 relu
concat: concatenate <- inputs, hidden1
dense 1
