# TensorFlow takes ASCII model names only
model réseau
input 4
dense 2
