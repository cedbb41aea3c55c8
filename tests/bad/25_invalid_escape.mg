# an unknown escape in a quoted string
input 8
dense 8 name="first\layer"
