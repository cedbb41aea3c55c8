# a call where a number belongs
input 8
dropout l2(0.5)
