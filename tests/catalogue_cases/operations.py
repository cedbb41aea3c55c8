ACCEPTED = [
    "input 4 | add_constant 3.0",
    "input 4x3 | dense 2 | add_constant -1 | relu max_value=6.0 | multiply_constant 0.16666666666666666",
    "input ?x5 | subtract_constant 0.5",
    "input 2x2x3 | divide_constant 255.0",
    "input 4 | a: add_constant 1 | b: multiply_constant 2 <- a | add <- a, b",
    "input 4 dtype=float16 | multiply_constant 0.5",
    "input 4 | d: dense 3 | c: add_constant 1 | add <- d, c",
]
# An operation keeps its input's shape and has no weights: nothing for Keras to refuse.
REFUSED: list[str] = []
