# 'model' is a keyword and cannot be a label
input 28x28
flatten
model: dense 10 softmax
