# '=' needs a name before it
input 8
dense 8 =relu
