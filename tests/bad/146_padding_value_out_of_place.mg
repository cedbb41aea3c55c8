# "same" is padding=, but the next positional argument is strides
input 8x8x3
conv2d 32 3x3 same
