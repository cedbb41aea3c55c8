# a typographic arrow instead of '<-'
a: input 8
b: dense 8 relu ← a
