# Integer: units is a number
input 8
dense ten relu
