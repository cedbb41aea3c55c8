input 4
dense 2 name="evilgood"
