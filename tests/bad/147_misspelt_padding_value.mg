# a misspelt padding value, positionally
input 8x3
conv1d 8 3 casual
