# Axis: an integer
input 8
batchnormalization axis=last
