module gprobe.dev/bench/httpd

go 1.15
