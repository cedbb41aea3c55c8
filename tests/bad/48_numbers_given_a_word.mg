# Numbers: rescaling's scale
input 8
rescaling scale=half
