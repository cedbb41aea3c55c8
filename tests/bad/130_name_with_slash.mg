# Keras refuses a "/" in a layer name
input 4
dense 2 name="a/b"
