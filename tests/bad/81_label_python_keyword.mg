# a Python keyword as a label
input 8
class: dense 4
