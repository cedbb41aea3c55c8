# Optional(Choice): an activation name or none
input 8
dense 4 activation=3
