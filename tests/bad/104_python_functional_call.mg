inputs: input 784
x = layers.Dense(64, activation="relu")(inputs)
