# a source that is not a label
image: input 28x28
flatten <- imgae
dense 10 softmax
