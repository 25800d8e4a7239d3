/* gprobe.bpf.h — placeholder */
