# a label needs a layer after it
input 8
hidden:
dense 8 relu
