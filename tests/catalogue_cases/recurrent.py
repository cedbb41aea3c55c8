ACCEPTED = [
    "input 10x8 | lstm 16",
    "input ?x8 | lstm 16 return_sequences=true",
    "input 10x8 | lstm 4 use_bias=false",
    "input 10x8 | gru 6",
    "input 10x8 | gru 6 reset_after=false return_sequences=true",
]
REFUSED = [
    "input 8 | lstm 4",
    "input 10x? | gru 4",
]
