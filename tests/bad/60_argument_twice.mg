# units given positionally and by name
input 8
dense 4 units=8
