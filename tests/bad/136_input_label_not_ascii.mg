# an input label is its Keras name too
entrée: input 4
dense 2
