# Keras turns a Python integer into a 64-bit tensor
input 4
dense 2 kernel_initializer=constant(9223372036854775808)
