# name= repeats the name Keras gives the first dense
input 8
dense 8
dense 4 name=dense
