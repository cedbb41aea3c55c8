# KerasObjects: l2 has one setting
input 8
dense 4 kernel_regularizer=l2(1e-4, 0.1)
