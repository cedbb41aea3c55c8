ACCEPTED = [
    "input 32x32x3 | maxpooling2d",
    "input 32x32x3 | maxpooling2d 3x3 strides=2 padding=same",
    "input 31x31x3 | averagepooling2d 2x2",
    "input 20x3 | maxpooling1d 3 strides=1",
    "input 8x8x3 | globalaveragepooling2d",
    "input 8x8x3 | globalaveragepooling2d keepdims=true",
    "input 8x3 | globalaveragepooling1d",
]
REFUSED = [
    "input 10 | maxpooling2d",
    "input 1x1x3 | maxpooling2d 2x2",
]
