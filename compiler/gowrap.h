/* gowrap.h — the function a compiler-generated wrapper calls.
 *
 * A goroutine's start PC is often not the function its `go` statement
 * names: since Go 1.17 `go f(x)` runs a closure the compiler made
 * (main.main.func1 up to 1.21, main.main.gowrap1 from 1.22) that calls
 * f(x); `go v()` of a method value runs main.T.m-fm, which calls the
 * method. Go's tracebacks hide these frames, so users never see their
 * names. The compiler marks them in the pclntab (_func.funcID is the
 * version's FuncIDWrapper); the function a wrapper calls comes from its
 * code: the one direct CALL or tail JMP to a function other than a runtime
 * helper (morestack, race hooks, panics). Exact or nothing: a wrapper with
 * inlined code, an indirect call or two candidate callees keeps its name.
 */
#ifndef GPROBE_GOWRAP_H
#define GPROBE_GOWRAP_H

#include <stdbool.h>

#include "gobin.h"

struct gowrap;

/* The wrapper resolver of an open binary, with a per-function cache;
 * b must outlive it. NULL never (allocation failure aborts). */
struct gowrap *gowrap_new(const struct gobin *b);
void gowrap_free(struct gowrap *w);
const struct gobin *gowrap_bin(const struct gowrap *w);

/* FuncIDWrapper of this binary's Go version (22 for 1.15-1.17, 21 for
 * 1.18-1.21, 22 for 1.22-1.24, 23 for 1.25-1.27), checked against the
 * binary: it must be the most common non-zero funcID (each other special
 * ID marks one runtime function, while a binary has dozens of wrappers).
 * -1 when they disagree (no function then counts as a wrapper). */
int gowrap_wrapper_funcid(const struct gowrap *w);

/* f is a compiler-generated wrapper (by its funcID). */
bool gowrap_is_wrapper(const struct gowrap *w, const struct gobin_func *f);

/* The function wrapper f calls, following wrappers that call wrappers (at
 * most 4 deep). f itself when f is no wrapper or its callee is not known
 * exactly; the last wrapper whose callee is known when a deeper one is
 * not. Never NULL for a non-NULL f. */
const struct gobin_func *gowrap_target(struct gowrap *w, const struct gobin_func *f);

#endif
