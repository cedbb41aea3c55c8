# Integer: 10.0 is a float
input 8
dense 10.0 relu
