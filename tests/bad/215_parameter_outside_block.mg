# a block's parameter in the model, outside any block
input 32x32x3
conv2d $x 3x3
