# IntTuple: strides are positive
input 28x28x1
conv2d 8 3x3 strides=0x1
flatten
dense 10 softmax
