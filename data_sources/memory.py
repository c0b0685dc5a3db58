"""How a Rally server process gives memory back: set once, as the app starts, with nothing for anyone to configure.

A big company's pages allocate and free columns of 100k rows (about 1 MB each) many times over, in many threads
(Streamlit runs each rerun in one). Left alone, that memory stays with the process after it is freed:

- glibc's malloc keeps freed blocks in a heap per thread ("arena", up to 8 per core) and raises the size it hands
  straight to the system as big blocks come and go, so 1 MB columns end up in heaps that never shrink. With a fixed
  threshold of 128 KiB, every block that size and up is mapped on its own and unmapped when freed. (A cap on the
  number of heaps, MALLOC_ARENA_MAX, can only be set before the process starts: too late for an app.)
- Arrow's own allocator (mimalloc) keeps what it frees until asked; on the system allocator Arrow's columns follow
  the rule above.

Measured with 100k posts and 20 sessions (bench/NOTES.md): peak and held memory about 100 MB lower; the price is a
system call per big block, a few percent of a computation's CPU. Elsewhere than glibc (macOS, musl) the malloc part
does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import logging
import threading

log = logging.getLogger("rally.memory")

M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter numbers (malloc.h)
MMAP_THRESHOLD = 128 * 1024

_done = False
_lock = threading.Lock()


def tune_process() -> None:
    """Make freed memory go back to the system (see the module's docstring); once per process, later calls do nothing."""
    global _done
    with _lock:
        if _done:
            return
        _done = True
        import pyarrow as pa

        pa.set_memory_pool(pa.system_memory_pool())
        libc = _glibc()
        if libc is not None and not libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD):
            log.info("malloc kept its own mmap threshold")


def give_back() -> None:
    """Hand memory freed since the last call back to the system: Arrow's unused buffers and glibc's free pages in
    every heap (malloc_trim), so what one computation freed in one thread's heap doesn't stay with the process."""
    import pyarrow as pa

    pa.default_memory_pool().release_unused()
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)


@functools.cache
def _glibc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    return libc if libc is not None and hasattr(libc, "mallopt") and hasattr(libc, "gnu_get_libc_version") else None
