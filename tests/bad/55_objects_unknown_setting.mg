# KerasObjects: max_norm has no setting 'max'
input 8
dense 4 kernel_constraint=max_norm(max=3)
