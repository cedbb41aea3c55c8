ACCEPTED = [
    "a: input 4x5 | b: input 4x3 | concatenate <- a, b",
    "a: input 4x5 | b: input 2x5 | concatenate axis=1 <- a, b",
    "a: input 4x5 | b: input ?x5 | concatenate axis=1 <- a, b",
    "a: input 4 | b: input 4 | c: input 4 | add <- a, b, c",
    "a: input 4x5 | b: input 4x1 | add <- a, b",
    "a: input 4 | b: input 4 | multiply <- a, b",
    "a: input 4 | add <- a, a",
]
REFUSED = [
    "a: input 10x10 | b: input 12x10 | concatenate <- a, b",
    "a: input 4 | b: input 5 | add <- a, b",
    "a: input 4x2 | b: input 4 | concatenate <- a, b",
]
