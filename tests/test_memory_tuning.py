"""The server process hands big freed blocks back to the system: Arrow on the system allocator, set once as the app starts."""

from __future__ import annotations

import pyarrow as pa

from data_sources import memory
from tests.apptest import app


def test_the_first_page_puts_arrow_on_the_system_allocator_once(module_demo_env):
    """After a page has loaded its data, Arrow's columns come from malloc (whose big blocks go back when freed)."""
    at = app("views/this_week.py")
    assert not at.exception
    assert pa.default_memory_pool().backend_name == "system"
    memory.tune_process()  # a second call changes nothing and raises nothing
    assert pa.default_memory_pool().backend_name == "system"
