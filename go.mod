module github.com/rnnzoo/rnnzoo

go 1.26.0
