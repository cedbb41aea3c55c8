inputs = keras.Input(shape=(28, 28))
flatten
