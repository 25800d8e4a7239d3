module gprobe.test/workload

go 1.15
