input 4
dense 2 name="‮ulav" | dense 0
