# Fraction: a noise stddev in [0, 1]
input 8
gaussiannoise 1.5
