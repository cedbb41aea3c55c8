# Number: a regularizer's factor is not negative
input 8
dense 4 kernel_regularizer=l2(-0.01)
