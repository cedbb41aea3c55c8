# KerasObjects: a misspelt initializer
input 8
dense 4 kernel_initializer=he_nrmal
