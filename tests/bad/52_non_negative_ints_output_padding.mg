# NonNegativeInts: output_padding is not negative
input 8x3
conv1dtranspose 4 3 output_padding=-1
