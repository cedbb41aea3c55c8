# Dimensions: an attention output shape is known
q: input 4x8
v: input 4x8
multiheadattention 2 16 output_shape=?x8 <- q, v
