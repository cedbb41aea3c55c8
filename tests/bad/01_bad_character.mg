# a character the DSL does not use
model mlp
input 28x28
flatten
dense 128 relu $
dense 10 softmax
