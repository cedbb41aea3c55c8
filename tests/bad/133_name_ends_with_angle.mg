# TensorFlow node names need a letter, digit or "." after a ">"
input 4
dense 2 name="a>"
