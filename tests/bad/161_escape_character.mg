input 4
dense 2 relu[2J
