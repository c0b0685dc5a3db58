"""Results derived from the data are computed once per data version for the whole server, then reused."""

from __future__ import annotations

import threading

import pandas as pd
import pytest

from data_sources import server
from data_sources.derived import DerivedCache, call_key
from rally.sheet.dataset import build_dataset
from tests.apptest import app


def week_count(posts: pd.DataFrame, week: str) -> int:
    return int((posts["week"] == week).sum())


@pytest.fixture
def dataset():
    """A tiny dataset: two posts in one week."""
    return build_dataset(
        {"Posts": [["Date", "Name", "Platform"], ["2026-11-16", "Maya", "X"], ["2026-11-17", "Leo", "X"]]}
    )


def test_a_result_is_computed_once_per_version_and_arguments(dataset):
    """The same call on the same data version is computed once; another argument or version computes again."""
    cache, calls = DerivedCache(), []

    def get(version: str, week: str) -> int:
        key = call_key(week_count, (dataset.posts, week), {}, dataset)
        return cache.get(version, key, lambda: calls.append(week) or week_count(dataset.posts, week))

    assert [get("v1", "2026-W47"), get("v1", "2026-W47"), get("v1", "2026-W48"), get("v2", "2026-W47")] == [2, 2, 0, 2]
    assert calls == ["2026-W47", "2026-W48", "2026-W47"]
    assert (cache.computed, cache.reused) == (3, 1)


def test_old_versions_age_out():
    """Only the newest versions are kept: results of data no one reads any more are dropped."""
    cache = DerivedCache(versions=2)
    for version in ("v1", "v2", "v3"):
        cache.get(version, ("k",), lambda: 1)
    cache.get("v1", ("k",), lambda: 1)
    assert cache.computed == 4


def test_sessions_asking_at_once_share_one_computation():
    """Eight sessions asking for the same new result wait for one computation (single flight)."""
    cache, started, release, calls = DerivedCache(), threading.Event(), threading.Event(), []

    def slow() -> str:
        calls.append(1)
        started.set()
        release.wait(5)
        return "board"

    results: list[str] = []
    threads = [threading.Thread(target=lambda: results.append(cache.get("v1", ("board",), slow))) for _ in range(8)]
    threads[0].start()
    started.wait(5)
    for thread in threads[1:]:
        thread.start()
    release.set()
    for thread in threads:
        thread.join(5)
    assert results == ["board"] * 8 and len(calls) == 1


def test_a_failed_computation_is_not_kept():
    """An exception reaches the caller and the next ask computes afresh."""
    cache = DerivedCache()
    with pytest.raises(ZeroDivisionError):
        cache.get("v1", ("k",), lambda: 1 / 0)
    assert cache.get("v1", ("k",), lambda: 2) == 2


@pytest.mark.parametrize(
    ("argument", "key_part"),
    [
        ("posts", ("<dataset.posts>",)),  # the version's own frames stand for themselves by name
        ("issues", ("<dataset.issues>",)),
        ("dataset", ("<dataset>",)),
        (1, ("int", 1)),
        (1.0, ("float", 1.0)),  # 1 and 1.0 hash alike but are different arguments
    ],
)
def test_arguments_are_keyed_by_what_they_are(dataset, argument, key_part):
    """Parts of the dataset are keyed by name, other values by type and value."""
    value = (
        getattr(dataset, argument)
        if argument in ("posts", "issues")
        else dataset
        if argument == "dataset"
        else argument
    )
    assert call_key(week_count, (value,), {}, dataset)[2] == (key_part,)


def test_a_frame_that_is_not_the_datasets_is_refused(dataset):
    """A filtered copy can't be keyed by the data version: the error says what to pass instead."""
    with pytest.raises(TypeError, match="the dataset, one of its parts"):
        call_key(week_count, (dataset.posts.head(1), "2026-W47"), {}, dataset)


def test_a_warm_rerun_of_a_page_reuses_its_derived_results(demo_app_env):
    """Rerunning a page on unchanged data computes nothing again."""
    at = app("views/this_week.py")
    computed = server.for_secrets({}).derived.computed
    assert computed > 0
    at.run()
    assert server.for_secrets({}).derived.computed == computed
    assert server.for_secrets({}).derived.reused > 0
