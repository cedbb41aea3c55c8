# attention scores need a feature axis
q: input ()
v: input ()
attention <- q, v
