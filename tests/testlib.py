"""testlib.py — what the Python test runners (tests/e2e/run.py,
tests/realprogs/run.py) share: whether CI is set, whether BPF can run here,
and the skip that cannot lie (the same rule as tests/lib.sh and check_skip()
in tests/unit/check.h): a test that cannot run says why and exits 77, and
fails instead when CI is set, where everything must run."""
import os
import sys


def in_ci():
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


def bpf_available():
    """None when uprobes and BPF can be used here, else why not."""
    if os.geteuid() != 0:
        return "not root: uprobes and BPF need CAP_BPF and CAP_PERFMON (run as root)"
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        # bpf(BPF_PROG_LOAD) with an empty attr fails with EINVAL when the
        # syscall is there and permitted, EPERM/ENOSYS otherwise.
        r = libc.syscall(321, 5, None, 0)
        err = ctypes.get_errno()
        if r < 0 and err in (1, 38):
            return "the bpf() syscall is not permitted here (%s)" % os.strerror(err)
    except OSError:
        pass
    return None


def cannot_run(why):
    """The whole test cannot run: skip (77), or fail when CI is set."""
    if in_ci():
        print("FAIL (CI): would skip: %s" % why)
        sys.exit(1)
    print("SKIP: %s" % why)
    sys.exit(77)
