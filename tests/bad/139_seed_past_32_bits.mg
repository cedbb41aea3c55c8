# JAX and NumPy keep a seed as a uint32, PyTorch as an int32
input 4
dropout 0.5 seed=4294967296
dense 2
