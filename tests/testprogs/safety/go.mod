module gprobe.test/safety

go 1.15
