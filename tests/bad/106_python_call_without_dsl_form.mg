input 12
reshape(3, 4)
