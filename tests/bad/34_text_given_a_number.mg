# Text: a name is a word or a quoted string
input 8
dense 4 name=42
