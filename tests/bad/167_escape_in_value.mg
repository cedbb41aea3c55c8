input 4x4x1
conv2d 2 3x3 padding="[31msame"
