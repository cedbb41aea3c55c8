# a label cannot start with a digit
input 8
1st: dense 8 relu
