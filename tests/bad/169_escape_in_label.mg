input 4
dense 2 <- a[8mb
