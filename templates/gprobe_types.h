/* gprobe_types.h — placeholder */
