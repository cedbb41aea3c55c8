input 3
dense 2  # a commentdense 99 relu6x
