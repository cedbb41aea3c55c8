model small_cnn
input 32x32x3
conv2d 16 3x3 relu padding=same
maxpooling2d 2x2
conv2d 32 3x3 relu kernel_initializer=he_normal
batchnormalization
flatten
dropout 0.25
logits: dense 10
probs: activation softmax
