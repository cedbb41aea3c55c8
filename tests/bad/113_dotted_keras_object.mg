input 784
dense 64 kernel_regularizer=keras.regularizers.L2(1e-4)
