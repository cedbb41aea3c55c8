input 28x28x1
Conv2D(32, (3, 3), activation="relu")
flatten
