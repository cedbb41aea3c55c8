input 4
dnse 3  # ring and delete
