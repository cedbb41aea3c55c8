# TensorFlow: "_a" is not a valid root scope name
model _a
input 4
dense 2
