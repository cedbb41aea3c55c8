# a batch size past the 64-bit integers Keras sizes tensors in
input 4 batch_size=9223372036854775808
dense 2
