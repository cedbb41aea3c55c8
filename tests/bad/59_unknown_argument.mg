# an argument Dense does not take
input 8
dense 4 unit=4
