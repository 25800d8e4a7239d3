module gprobe.dev/bpf-gen/refprog

go 1.15
