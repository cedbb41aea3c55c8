# a tuple that is never closed
input 12
reshape (3, 4
dense 2
