# a label used twice
input 8
hidden: dense 8 relu
hidden: dense 4 relu
dense 1
