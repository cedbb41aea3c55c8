input 3
dense 2  # two units dense 99
