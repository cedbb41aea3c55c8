# add merges two or more inputs
a: input 8
add <- a
