input 3
dense 2 name="hid\ud83d\ude00den"
