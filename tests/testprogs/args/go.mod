module gprobe.test/args

go 1.15
