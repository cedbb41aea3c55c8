# TensorFlow node names hold no backslash
input 4
dense 2 name="a\\b"
