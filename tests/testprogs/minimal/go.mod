module gprobe.test/minimal

go 1.15
