input 28×28
flatten
dense 10
