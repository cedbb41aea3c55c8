# Choice: an activation Keras does not know
input 8
dense 4 activation=relux
