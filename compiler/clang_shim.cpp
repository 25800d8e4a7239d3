// clang_shim.cpp — placeholder; the in-process Clang compiler lands here.
extern "C" int gp_clang_shim_placeholder(void) { return 0; }
