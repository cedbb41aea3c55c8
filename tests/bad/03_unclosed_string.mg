# a quoted string must end on the same line
input 784
dense 64 relu name="hidden
dense 10 softmax
