# a pool size in a tuple, past 32 bits
input 8x8x3
maxpooling2d (2, 4294967296) padding=same
