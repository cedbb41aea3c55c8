ACCEPTED = [
    "input 8x8x3 | batchnormalization",
    "input 8x8x3 | batchnormalization center=false",
    "input 8x8x3 | batchnormalization scale=false axis=1",
    "input 6x5 | layernormalization",
    "input 6x5 | layernormalization axis=(1, 2)",
    "input 6x5 | layernormalization center=false",
]
REFUSED = [
    "input ? | batchnormalization",
]
