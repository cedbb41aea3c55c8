# Choice: conv2d has no causal padding
input 28x28x1
conv2d 8 3x3 padding=causal
flatten
dense 10 softmax
