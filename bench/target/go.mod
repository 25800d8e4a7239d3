module gprobe.dev/bench/target

go 1.15
