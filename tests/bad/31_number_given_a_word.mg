# Number: an initializer's stddev is a number
input 8
dense 4 kernel_initializer=random_normal(stddev=wide)
