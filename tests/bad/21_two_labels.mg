# a statement has at most one label
input 8
a: b: dense 8 relu
