# 'model' needs a name
model
input 28x28
flatten
dense 10 softmax
