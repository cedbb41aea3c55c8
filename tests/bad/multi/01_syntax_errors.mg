# errors: 4
# Every line is parsed on its own, so each syntax error is reported.
model syntax
input 28x28
flatten $
dense 128 activation=
dense 64 relu; dropout 0.2
dense 10 softmax name="out
