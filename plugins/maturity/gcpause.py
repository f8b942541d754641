"""Pause the cyclic garbage collector while building large, acyclic-in-practice structures.

Generating a world of a thousand organisations, or the metric values of a million records,
allocates hundreds of thousands of small objects in no reference cycle; each generation-0
sweep would walk them all again. Reference counting still frees everything, and the
collector's previous state is restored, also on an error.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
