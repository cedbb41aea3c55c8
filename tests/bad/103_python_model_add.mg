input 784
model.add(layers.Dense(10, activation="softmax"))
