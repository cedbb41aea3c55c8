input 3
dense 2
