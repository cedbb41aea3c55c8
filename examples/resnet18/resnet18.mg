# The CIFAR ResNet-18: a 3x3 stem, four stages of two basic blocks, global pooling.
model resnet18

# A basic block: two 3x3 convolutions and an identity shortcut.
block basic filters
  x: input
  conv2d $filters 3x3 padding=same use_bias=false
  batchnormalization | activation relu
  conv2d $filters 3x3 padding=same use_bias=false
  residual: batchnormalization
  add <- residual, x
  activation relu
end

# A stage's first block: strided, with a 1x1 projection shortcut.
block down filters stride=2
  x: input
  conv2d $filters 3x3 strides=$stride padding=same use_bias=false
  batchnormalization | activation relu
  conv2d $filters 3x3 padding=same use_bias=false
  residual: batchnormalization
  conv2d $filters 1x1 strides=$stride use_bias=false <- x
  shortcut: batchnormalization
  add <- residual, shortcut
  activation relu
end

input 32x32x3
conv2d 64 3x3 padding=same use_bias=false
batchnormalization | activation relu
basic 64 * 2
down 128 | basic 128
down 256 | basic 256
down 512 | basic 512
globalaveragepooling2d
dense 10 softmax
