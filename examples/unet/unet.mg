# A small U-Net for 64x64 grey images: three steps down, a bottleneck, three steps up,
# each step up joined with the features of the same size on the way down.
model unet

# Two 3x3 convolutions that keep the size.
block down filters
  input
  conv2d $filters 3x3 padding=same relu
  conv2d $filters 3x3 padding=same relu
end

# A step up: double the size of x, join it with the skip, then two 3x3 convolutions.
block up filters
  x: input
  skip: input
  wide: conv2dtranspose $filters 2x2 strides=2 padding=same <- x
  concatenate <- wide, skip
  conv2d $filters 3x3 padding=same relu
  conv2d $filters 3x3 padding=same relu
end

input 64x64x1
skip1: down 16                       # 64x64x16
maxpooling2d 2x2
skip2: down 32                       # 32x32x32
maxpooling2d 2x2
skip3: down 64                       # 16x16x64
maxpooling2d 2x2
bottom: down 128                     # 8x8x128
up3: up 64 <- bottom, skip3          # 16x16x64
up2: up 32 <- up3, skip2             # 32x32x32
up 16 <- up2, skip1                  # 64x64x16
conv2d 1 1x1 sigmoid                 # a mask: one probability per pixel
