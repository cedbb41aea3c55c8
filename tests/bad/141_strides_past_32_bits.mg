# TensorFlow reads strides as 32-bit attributes (past them it crashes)
input 8x8x3
conv2d 8 3x3 strides=2147483648
