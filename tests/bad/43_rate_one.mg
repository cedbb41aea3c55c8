# Number in [0, 1): a dropout rate below 1
input 8
dropout 1.0
