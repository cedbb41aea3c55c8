input 4
dense 0  # ‮ ,stinu evitisop a
