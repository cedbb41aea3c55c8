# '<-' is one token: '< -' is not an arrow
a: input 8
b: dense 8 relu < - a
