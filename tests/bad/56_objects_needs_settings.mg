# KerasObjects: constant needs its value
input 8
dense 4 bias_initializer=constant
