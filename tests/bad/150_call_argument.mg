# return_attention_scores is an argument of the call, not of the constructor
q: input 4x8
multiheadattention 4 8 return_attention_scores=true <- q, q
