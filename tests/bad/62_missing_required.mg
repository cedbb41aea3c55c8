# dense needs its units
input 8
dense relu
