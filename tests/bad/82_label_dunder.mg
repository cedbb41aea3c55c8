# labels do not start with '__'
input 8
__hidden: dense 4
