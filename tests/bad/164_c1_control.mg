input 4
dense 2 rleu  # 2J
