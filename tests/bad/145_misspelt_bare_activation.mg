# a misspelt activation, not a bad stride
input 8x8x3
conv2d 32 3x3 rleu
