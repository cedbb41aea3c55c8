# errors: 2
input 4
dense 2 name="[1A[2K[32mall good" | dnse 3
