# an empty name names nothing
input 4
dense 2 name=""
