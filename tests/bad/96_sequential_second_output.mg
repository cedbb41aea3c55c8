# style: sequential
# a Sequential model has one output
a: input 8
b: dense 8 relu
c: dense 2 softmax
outputs b, c
