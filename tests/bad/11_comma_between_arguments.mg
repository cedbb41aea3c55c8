# arguments are separated by spaces, not commas
input 8
dense 8, relu
