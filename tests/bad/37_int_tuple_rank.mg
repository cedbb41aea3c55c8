# IntTuple: a 2D kernel has two sizes
input 28x28x1
conv2d 8 3x3x3 relu
flatten
dense 10 softmax
