# a keyword argument without its value
input 784
dense 64 activation=
dense 10 softmax
