# the model name would shadow 'layers'
model layers
input 8
dense 4
