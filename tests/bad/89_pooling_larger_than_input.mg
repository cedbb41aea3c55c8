# a 8x8 window on a 4x4 image
input 4x4x3
maxpooling2d 8x8
