input 784
    layers.Dense(64, activation="relu"),
