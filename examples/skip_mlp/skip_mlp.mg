# Wide and deep: the seed tutorial's Dense stack (the deep path) concatenated with
# the flattened input itself (the wide path), so that the last layer sees the raw
# pixels as well as the learned features.
model skip_mlp
inputs: input 28x28
flat: flatten
hidden: dense 300 relu
hidden1: dense 30 relu
concat: concatenate <- flat, hidden1
dense 1
