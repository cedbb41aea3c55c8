# Token ids of any length in, one probability out.
model text_classifier
tokens: input ? dtype=int32
embedding 1000 32 mask_zero=false
conv1d 32 5 relu padding=causal
maxpooling1d 2
layernormalization
lstm 32 return_sequences=true
gru 16 return_sequences=true
globalaveragepooling1d
dropout 0.5
dense 1 sigmoid
