# the caret points after '=', not after the comment
input 784
dense 64 activation=   # relu, probably
dense 10 softmax
