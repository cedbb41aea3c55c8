# 'end' with no block open
input 32x32x3
conv2d 8 3x3
end
