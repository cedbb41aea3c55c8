# KerasObjects: variance_scaling's mode
input 8
dense 4 kernel_initializer=variance_scaling(2.0, mode=fan)
