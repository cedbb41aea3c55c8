# self-attention reads one source as query and value: <- e, e
e: input 4x8
multiheadattention 4 8 <- e
