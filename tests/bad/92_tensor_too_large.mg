# more numbers than Keras counts in 64 bits
input 4294967296x4294967296
flatten
dense 1
