# TargetShape: at most one -1
input 12
reshape (-1, -1)
dense 2
