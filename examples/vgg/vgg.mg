# A VGG-style CIFAR classifier: three stages of one repeated block, a dense head.
model vgg

# A VGG stage: two 3x3 convolutions, then a 2x2 max pool that halves the size.
block vgg_block filters
  input
  conv2d $filters 3x3 padding=same relu
  conv2d $filters 3x3 padding=same relu
  maxpooling2d 2x2
end

input 32x32x3
vgg_block * [64] [128] [256]         # 32x32 -> 16x16x64 -> 8x8x128 -> 4x4x256
flatten
dense 256 relu
dropout 0.5
dense 10 softmax
