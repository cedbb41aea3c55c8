# 'model' must come first
input 28x28
model mnist
flatten
dense 10 softmax
