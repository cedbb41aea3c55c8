# a Keras operation takes no name=
input 8
add_constant 3.0 name=shift
