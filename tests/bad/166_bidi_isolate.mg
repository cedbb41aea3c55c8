input 4
⁦x⁩: dense 2
