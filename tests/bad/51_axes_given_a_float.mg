# Axes: permute takes a tuple of axes
input 8x3
permute 1.5
