# ResNet-50 for 224x224 ImageNet images, written with blocks: a benchmark spec
# (benchmarks/run.py). 25,557,032 trainable parameters, as torchvision's (no conv
# biases), and 53,120 non-trainable (the batch norms' statistics): 25,610,152.
model resnet50

# A bottleneck block: 1x1 down to `filters`, 3x3, 1x1 up to `out`; identity shortcut.
block bottleneck filters out
  x: input
  conv2d $filters 1x1 use_bias=false
  batchnormalization | activation relu
  conv2d $filters 3x3 padding=same use_bias=false
  batchnormalization | activation relu
  conv2d $out 1x1 use_bias=false
  residual: batchnormalization
  add <- residual, x
  activation relu
end

# A stage's first bottleneck: strided (except the first stage's), 1x1 projection shortcut.
block project filters out stride=2
  x: input
  conv2d $filters 1x1 use_bias=false
  batchnormalization | activation relu
  conv2d $filters 3x3 strides=$stride padding=same use_bias=false
  batchnormalization | activation relu
  conv2d $out 1x1 use_bias=false
  residual: batchnormalization
  conv2d $out 1x1 strides=$stride use_bias=false <- x
  shortcut: batchnormalization
  add <- residual, shortcut
  activation relu
end

input 224x224x3
conv2d 64 7x7 strides=2 padding=same use_bias=false
batchnormalization | activation relu
maxpooling2d 3x3 strides=2 padding=same
project 64 256 stride=1 | bottleneck 64 256 * 2       # 3 blocks, 56x56x256
project 128 512 | bottleneck 128 512 * 3              # 4 blocks, 28x28x512
project 256 1024 | bottleneck 256 1024 * 5            # 6 blocks, 14x14x1024
project 512 2048 | bottleneck 512 2048 * 2            # 3 blocks, 7x7x2048
globalaveragepooling2d
dense 1000 softmax
