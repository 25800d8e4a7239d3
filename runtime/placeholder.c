/* runtime placeholder */
int gp_runtime_placeholder(void);
int gp_runtime_placeholder(void) { return 0; }
