input 4
dense 2 name="2J" rleu
