# a parameter named super: the class's __init__ calls super().__init__
block basic super
  x: input
  dense $super
end
input 8
basic 4
