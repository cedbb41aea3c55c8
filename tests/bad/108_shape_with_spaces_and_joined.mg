input 32 x32 x 3
flatten
dense 10
