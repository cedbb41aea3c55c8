# labels are letters, digits and '_'
input 8
hidden-1: dense 8 relu
