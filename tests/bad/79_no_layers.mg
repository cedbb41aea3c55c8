# only comments: no layers
model empty
