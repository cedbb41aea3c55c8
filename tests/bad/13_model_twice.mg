# the model is named twice
model mnist
model mnist_mlp
input 28x28
flatten
dense 10 softmax
