# ResNet-18 for 224x224 RGB images (He et al., 2015): 69 layers, for the tests of
# pictures of deep models (tests/test_plot.py, tests/test_compare.py).
model resnet18
input 224x224x3
conv2d 64 7x7 strides=2 padding="same" use_bias=False
batchnorm
activation relu
stem: maxpooling2d 3x3 strides=2 padding="same"
b1_conv1: conv2d 64 3x3 padding="same" use_bias=False <- stem
batchnorm
activation relu
conv2d 64 3x3 padding="same" use_bias=False
b1_bn2: batchnorm
b1_add: add <- b1_bn2, stem
b1_out: activation relu
b2_conv1: conv2d 64 3x3 padding="same" use_bias=False <- b1_out
batchnorm
activation relu
conv2d 64 3x3 padding="same" use_bias=False
b2_bn2: batchnorm
b2_add: add <- b2_bn2, b1_out
b2_out: activation relu
b3_conv1: conv2d 128 3x3 strides=2 padding="same" use_bias=False <- b2_out
batchnorm
activation relu
conv2d 128 3x3 padding="same" use_bias=False
b3_bn2: batchnorm
b3_down: conv2d 128 1x1 strides=2 use_bias=False <- b2_out
b3_down_bn: batchnorm
b3_add: add <- b3_bn2, b3_down_bn
b3_out: activation relu
b4_conv1: conv2d 128 3x3 padding="same" use_bias=False <- b3_out
batchnorm
activation relu
conv2d 128 3x3 padding="same" use_bias=False
b4_bn2: batchnorm
b4_add: add <- b4_bn2, b3_out
b4_out: activation relu
b5_conv1: conv2d 256 3x3 strides=2 padding="same" use_bias=False <- b4_out
batchnorm
activation relu
conv2d 256 3x3 padding="same" use_bias=False
b5_bn2: batchnorm
b5_down: conv2d 256 1x1 strides=2 use_bias=False <- b4_out
b5_down_bn: batchnorm
b5_add: add <- b5_bn2, b5_down_bn
b5_out: activation relu
b6_conv1: conv2d 256 3x3 padding="same" use_bias=False <- b5_out
batchnorm
activation relu
conv2d 256 3x3 padding="same" use_bias=False
b6_bn2: batchnorm
b6_add: add <- b6_bn2, b5_out
b6_out: activation relu
b7_conv1: conv2d 512 3x3 strides=2 padding="same" use_bias=False <- b6_out
batchnorm
activation relu
conv2d 512 3x3 padding="same" use_bias=False
b7_bn2: batchnorm
b7_down: conv2d 512 1x1 strides=2 use_bias=False <- b6_out
b7_down_bn: batchnorm
b7_add: add <- b7_bn2, b7_down_bn
b7_out: activation relu
b8_conv1: conv2d 512 3x3 padding="same" use_bias=False <- b7_out
batchnorm
activation relu
conv2d 512 3x3 padding="same" use_bias=False
b8_bn2: batchnorm
b8_add: add <- b8_bn2, b7_out
b8_out: activation relu
globalaveragepooling2d
dense 1000 softmax
