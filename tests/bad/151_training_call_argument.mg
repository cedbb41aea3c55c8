# training is an argument of the call
input 4
dropout 0.5 training=true
dense 2
