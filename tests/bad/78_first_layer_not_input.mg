# the first layer has nothing to read
dense 8 relu
dense 1
