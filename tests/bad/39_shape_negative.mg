# Shape: an input size is positive
input -28
dense 10 softmax
