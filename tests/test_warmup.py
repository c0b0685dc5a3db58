"""A fresh server's first run (ui/warmup.py): the cycle collector is paused while the modules load, and on again,
with the modules' objects frozen, before the data is read, whichever way the run ends."""

from __future__ import annotations

import gc
import threading
import time

import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest import ROOT, TIMEOUT, app
from tests.test_viewers import SIGNED_OUT, VIEWERS
from ui import warmup


@pytest.fixture
def cold_server(monkeypatch):
    """The warm-up as a fresh server has it: no page drawn yet, the collector never paused or frozen."""
    monkeypatch.setattr(warmup, "_warm", threading.Event())
    monkeypatch.setattr(warmup, "_paused", False)
    monkeypatch.setattr(warmup, "_frozen", False)
    assert gc.isenabled()
    gc.unfreeze()
    yield
    gc.unfreeze()  # what this test's run froze goes back to the collector
    gc.enable()


def test_a_cold_page_leaves_the_collector_on_and_the_modules_frozen(demo_app_env, cold_server):
    at = app()
    assert not at.exception and at.metric  # This week drew its figures
    assert gc.isenabled()
    assert gc.get_freeze_count() > 0
    assert warmup._warm.is_set()


def test_a_cold_run_that_stops_at_the_sign_in_turns_the_collector_back_on(demo_app_env, cold_server):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    for key, value in VIEWERS.items():
        at.secrets[key] = value
    at.user = SIGNED_OUT
    at.run()
    assert not at.exception and "viewer-sign-in" in {b.key for b in at.button}
    assert gc.isenabled()
    assert not warmup._warm.is_set()  # no page has its data yet: the next run still shows the spinner


def test_a_warm_server_never_pauses_the_collector(demo_app_env, cold_server):
    app()
    frozen = gc.get_freeze_count()
    at = app()
    assert not at.exception and gc.isenabled()
    assert gc.get_freeze_count() <= frozen  # frozen once, by the cold run only (freed objects leave the count)


def test_a_cold_run_that_fails_before_its_page_leaves_the_collector_on_by_itself(cold_server, monkeypatch):
    """Nothing resumes it (the run raised between the spinner and the page): the pause ends on its own."""
    monkeypatch.setattr(warmup, "PAUSE_LIMIT_SECONDS", 0.05)
    warmup._pause_collector()
    assert not gc.isenabled()
    deadline = time.monotonic() + 5
    while not gc.isenabled() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert gc.isenabled() and gc.get_freeze_count() > 0
