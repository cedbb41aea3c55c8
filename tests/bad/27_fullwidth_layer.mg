# full-width letters are not the ASCII layer name
input 8
ｄｅｎｓｅ 8
