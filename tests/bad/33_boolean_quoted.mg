# Boolean: true without quotes
input 8
dense 4 use_bias="false"
