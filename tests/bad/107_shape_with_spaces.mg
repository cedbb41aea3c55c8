input 28 x 28
flatten
dense 10
