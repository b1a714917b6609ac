"""Keep big reply buffers in the heap: glibc's malloc tuned for the simulator's large replies.

glibc serves every allocation above its mmap threshold (which adapts, but never beyond 32 MiB) with
a fresh mapping and unmaps it when freed. At 20,000 VMs a VM.get_all_records reply is 57 MB, and
building and sending it copies it a few times: each copy into fresh pages costs ~14,000 page
faults, which made that reply three to four times slower than the 28 MB one of 10,000 VMs. With the
mmap and trim thresholds raised, such buffers come from the heap and are reused. Elsewhere than
glibc (no `mallopt`) nothing changes.
"""
import ctypes
import ctypes.util

M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
LARGE = 1 << 30


def keep_large_buffers():
    """True if the allocator was tuned."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, LARGE)) and bool(mallopt(M_TRIM_THRESHOLD, LARGE))
