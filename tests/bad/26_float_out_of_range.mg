# a number larger than a float holds
input 8
dense 8 kernel_initializer=constant(1e999)
