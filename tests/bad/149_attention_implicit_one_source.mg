# attention reads two or three sources
input 4x8
attention
