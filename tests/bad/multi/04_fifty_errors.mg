# errors: 50
# Fifty mistakes: modelgen shows the first 20 and counts the rest.
input 8
dnse 4
dense ten
dense 4 unit=4
dense 4 activation=relux
dropout 1.5
dnse 4
dense ten
dense 4 unit=4
dense 4 activation=relux
dropout 1.5
dnse 4
dense ten
dense 4 unit=4
dense 4 activation=relux
dropout 1.5
dnse 4
dense ten
dense 4 unit=4
dense 4 activation=relux
dropout 1.5
dnse 4
dense ten
dense 4 unit=4
dense 4 activation=relux
dropout 1.5
dnse 4
dense ten
dense 4 unit=4
dense 4 activation=relux
dropout 1.5
dnse 4
dense ten
dense 4 unit=4
dense 4 activation=relux
dropout 1.5
dnse 4
dense ten
dense 4 unit=4
dense 4 activation=relux
dropout 1.5
dnse 4
dense ten
dense 4 unit=4
dense 4 activation=relux
dropout 1.5
dnse 4
dense ten
dense 4 unit=4
dense 4 activation=relux
dropout 1.5
