# tuples nest at most 8 deep
input 12
reshape (((((((((12)))))))))
