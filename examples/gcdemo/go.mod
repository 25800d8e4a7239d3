module gprobe.example/gcdemo

go 1.15
