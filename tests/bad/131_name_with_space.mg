# TensorFlow refuses a space in a layer name (not a valid scope name)
input 4
dense 2 name="hidden layer"
