ACCEPTED = [
    "input 28x28 | flatten | dense 300 relu | dense 10 softmax",
    "input 5 | dense 3 use_bias=false",
    "input 4x6 | dense 2",
    "input ?x6 | dense 2 activation=tanh",
    "input 7 batch_size=8 | dense 3",
    "input 3 | activation relu",
    "input 2x3x4 | flatten",
    "input ?x3 | flatten",
    "input 12 | dropout 0.5",
    "input 12 | reshape 3x4",
    "input 12 | reshape (2, -1)",
    "input ?x4 | reshape (-1, 2)",
    "input 2x6 | reshape 12",
    "input ? dtype=int32 | embedding 100 8",
    "input 5 dtype=int32 | embedding 20 4",
    "input 4 | dense 3 dtype=float16",
    "input 4 | dense 3 dtype=float64 trainable=false",
]
REFUSED = [
    "input ?x? | flatten | dense 3",
    "input 12 | reshape 5x2",
    "input 12 | reshape (5, -1)",
]
