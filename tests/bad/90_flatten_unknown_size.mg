# dense after flatten needs every size known
input ?x?
flatten
dense 3
