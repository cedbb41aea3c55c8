# a label is the Keras layer name: TensorFlow takes ASCII only
input 4
π: dense 2
