# added inputs have different shapes
a: input 8
b: input 4
add <- a, b
