input 4
dense 2 name="a" activaton=relu
