# errors: 5
# Names, arguments and sources are all checked before anything stops.
model graph
image: input 28x28
flat: flatten <- imgae
hidden: dnse 128 relu
hidden: dense 64 unit=4
out: dense 10 softmax <- hidden
outputs out, missing
