# statements are separated by new lines or '|', not ';'
input 28x28
flatten; dense 10 softmax
