input 3
rescaling 1e-400
