# Margins: 2D padding has two axes
input 8x8x3
zeropadding2d (1, 2, 3)
