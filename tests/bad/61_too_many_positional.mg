# flatten takes no positional arguments
input 4x4
flatten 16
dense 2
