# NonNegative: relu's max_value
input 8
relu max_value=-6
