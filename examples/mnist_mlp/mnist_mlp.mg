# mnist_mlp.mg: the classic 28x28 multilayer perceptron
model mnist_mlp
input 28x28
flatten
dense 300 relu
dense 100 relu
dense 10 softmax
