# an initializer seed is a backend seed too
input 4
dense 2 kernel_initializer=glorot_uniform(seed=2147483648)
