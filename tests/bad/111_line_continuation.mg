input 784
dense 64 \
    relu
dense 10
