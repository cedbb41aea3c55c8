# '<-' with no source after it
image: input 28x28
flatten <-
dense 10 softmax
