input 3  # the inputdense 99
dense 2
