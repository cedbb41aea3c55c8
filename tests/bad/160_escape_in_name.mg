input 4
dense 2 name="[1A[2K[32mall good[0m"
