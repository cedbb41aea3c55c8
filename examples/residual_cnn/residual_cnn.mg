# A residual block and a learned gate: Reshape, Add, Multiply and pooling.
model residual_cnn
input 784
reshape 28x28x1
stem: conv2d 16 3x3 relu padding=same
conv2d 16 3x3 relu padding=same
branch: conv2d 16 3x3 padding=same
residual: add <- stem, branch
activation relu
pooled: averagepooling2d 2x2
gate: dense 16 sigmoid
gated: multiply <- pooled, gate
globalaveragepooling2d
dense 10 softmax
