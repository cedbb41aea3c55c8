input 4
hidden: Dense(10)
