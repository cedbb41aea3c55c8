# keras is a name the generated code uses
input 8
keras: dense 4
