ACCEPTED = [
    "input 32x32x3 | conv2d 16 3x3",
    "input 32x32x3 | conv2d 16 3x3 relu padding=same",
    "input 32x32x3 | conv2d 8 5 strides=2",
    "input 31x33x3 | conv2d 8 3x3 strides=(2, 3) padding=same use_bias=false",
    "input 32x32x4 | conv2d 8 3x3 groups=2",
    "input 32x32x3 | conv2d 8 3x3 dilation_rate=2",
    "input ?x?x3 | conv2d 4 3x3",
    "input 20x3 | conv1d 4 3",
    "input 20x3 | conv1d 4 3 padding=causal dilation_rate=2",
    "input ?x3 | conv1d 4 5 strides=2 padding=same",
]
REFUSED = [
    "input 10 | conv2d 4 3x3",
    "input 4x4x3 | conv2d 4 5x5",
    "input 32x32x3 | conv2d 8 3x3 groups=2",
    "input 10x10x? | conv2d 4 3x3",
]
