# 12 numbers do not make 5x2
input 12
reshape 5x2
