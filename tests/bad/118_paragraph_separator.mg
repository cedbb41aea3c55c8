input 3
dense 2 dense 99
