# conv2d needs height, width and channels
input 28
conv2d 8 3x3
