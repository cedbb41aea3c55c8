# a shape cannot end with 'x'
input 28x
flatten
dense 10 softmax
