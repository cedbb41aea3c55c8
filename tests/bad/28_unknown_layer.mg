# a misspelt layer
input 28x28
flatten
dnse 10 softmax
