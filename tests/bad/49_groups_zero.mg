# Groups: a positive integer, or -1
input 8x8x4
groupnormalization 0
