# DotAxes: one axis, or one per input
a: input 3x4
b: input 3x4
dot (1, 2, 3) <- a, b
