# a layer has one activation
input 8
dense 4 relu tanh
