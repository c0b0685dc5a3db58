"""The benchmark's parts on small sizes: it imports, makes the data it claims, counts what it says. No timings asserted."""

from __future__ import annotations

import math
from collections import Counter
from datetime import date

import pandas as pd
import pytest

from bench import burst, upstream
from bench.data import as_api_text, staff_count, synthetic_tabs, write_csvs
from bench.report import Measurement, write_results
from rally.sheet.dataset import build_dataset
from tests.apptest import PAGES
from tests.emulator.sheets_emulator import SheetsEmulator

TODAY = date(2026, 11, 30)


def test_the_made_up_sheet_has_the_size_and_variety_it_claims():
    """Posts rows as asked, ragged rows, numbers and text in the same column, and slips Rally must report."""
    tabs = synthetic_tabs(2_000, TODAY)
    posts = tabs["Posts"]
    assert len(posts) == 2_001 and len(tabs["Staff"]) == staff_count(2_000) + 1
    assert min(len(r) for r in posts[1:]) < len(posts[0]) == 11, "some rows are ragged"
    assert {type(r[0]) for r in posts[1:]} >= {int, float, str}, "dates come as serial numbers and as typed text"
    dataset = build_dataset(as_api_text(tabs))
    problems = Counter(i.problem.split(" —")[0].split(" (")[0] for i in dataset.issues)
    assert {"no name", "not a number", "negative number", "not an http(s) link", "not a date Rally can read"} <= set(
        problems
    )
    assert 0.9 * 2_000 < len(dataset.posts) < 2_000
    assert synthetic_tabs(2_000, TODAY) == tabs, "deterministic"


def test_the_floor_reads_the_same_rows_from_csv(tmp_path):
    """The CSV files hold every row of every tab."""
    tabs = synthetic_tabs(300, TODAY)
    paths = write_csvs(tabs, tmp_path)
    assert {title: len(pd.read_csv(path)) for title, path in paths.items()} == {
        title: len(rows) - 1 for title, rows in tabs.items()
    }


def test_every_viewer_goes_round_every_page_in_the_minute():
    """The schedule: a page every 5 s per viewer, viewers spread over the interval, every page visited."""
    every = 60 / (2 * len(PAGES))  # however many pages there are, each viewer goes round twice
    events = upstream.schedule(3, PAGES, minute=60, every=every)
    visits = round(60 / every)
    assert len(events) == 3 * visits and events == sorted(events)
    assert Counter(viewer for _, viewer, _ in events) == {0: visits, 1: visits, 2: visits}
    assert {page for _, _, page in events} == set(PAGES)


def test_many_viewers_of_every_page_cost_one_read_and_the_naive_pattern_one_per_tab(tmp_path):
    """Rally: one metadata read and one batchGet for the minute; naive: open_by_key plus two requests per tab per view."""
    with SheetsEmulator() as emulator:
        emulator.add_spreadsheet(upstream.KEY, tabs=synthetic_tabs(200, TODAY))
        ours = upstream.rally_reads(emulator, 2, list(PAGES), tmp_path, every=20)
        naive = upstream.naive_reads(emulator, 1, list(PAGES), every=30)
    assert ours.page_views == 6 and ours.requests == Counter({"metadata": 1, "batch_get": 1})
    assert naive.page_views == 2 and naive.requests == Counter({"metadata": 2 * 6, "values_get": 2 * 5})
    measurement = upstream.summarise([ours], [naive], upstream.Settings(), list(PAGES))
    assert measurement.met


def test_the_survey_burst_writes_to_the_survey_tab_or_its_stand_in():
    """Until a feature registers a Survey tab, answers go to a stand-in with an ID first; every column but the ID is filled."""
    spec = burst.answers_spec()
    assert spec.columns[0].name == "ID"
    row = burst.answer_row(spec, 7)
    assert set(row) == {c.name for c in spec.columns} - {"ID"} and all(row.values())


def test_a_burst_that_showed_an_answer_then_lost_sight_of_it_is_a_gap():
    """Lost, doubled and vanished answers each fail the target, and the verdict names them."""
    good = burst.BurstRun(
        1, 0.0, submitted={"a": 0.0, "b": 0.0}, first_seen={"a": 0.1, "b": 0.2}, final_visible=2, all_in_sheet=1.0
    )
    assert burst.summarise([good], burst.STAND_IN, 2).met
    vanished = burst.BurstRun(
        2, 0.0, submitted={"a": 0.0}, first_seen={"a": 0.1}, vanished={"a"}, final_visible=1, all_in_sheet=1.0
    )
    lost = burst.BurstRun(
        3, 0.0, submitted={"a": 0.0, "b": 0.0}, first_seen={"a": 0.1}, final_visible=1, all_in_sheet=math.nan
    )
    result = burst.summarise([vanished, lost], burst.STAND_IN, 2)
    assert not result.met and "1 lost" in result.verdict and "disappeared" in result.verdict


@pytest.mark.parametrize(("values", "expected"), [([1.0], 1.0), ([float(n) for n in range(1, 21)], 19.05)])
def test_p95_is_the_nineteenth_twentieth(values, expected):
    """The p95 cut of a list of latencies."""
    assert burst.p95(values) == pytest.approx(expected)


def test_results_name_the_machine_and_every_measurement(tmp_path):
    """RESULTS.md carries the machine, a summary line per measurement and its table."""
    measurement = Measurement(
        9, "Example", "How.", ["a", "b"], [["1", "2"]], "base", "ours", "2×", "≤ 3×", False, "2 over"
    )
    text = write_results(
        tmp_path / "RESULTS.md",
        [measurement],
        pd.Timestamp("2026-11-30 12:00").to_pydatetime(),
        "python -m bench",
        [("Cores", "2")],
        1.0,
    )
    assert "| Cores | 2 |" in text and "## 9. Example" in text and "❌ gap: 2 over" in text


def test_a_burst_whose_writer_is_killed_mid_append_leaves_each_id_once_in_the_sheet(tmp_path):
    """200 answers over 10 s, the writer process killed three times with an append applied but unanswered, faults besides: 200 rows, no copy."""
    run = burst.burst_with_kills(
        7, tmp_path, burst.STAND_IN, submissions=200, kills=3, spread=10.0, quick=True, timeout=90
    )
    assert (run.kills, run.submitted, run.rows, run.ids, run.duplicates, run.missing) == (3, 200, 200, 200, 0, 0)
    good = burst.BurstRun(1, 0.0, submitted={"a": 0.0}, first_seen={"a": 0.1}, final_visible=1, all_in_sheet=1.0)
    result = burst.summarise([good], burst.STAND_IN, 200, run)
    assert (
        result.met
        and result.rows[-1][-1] == "200 rows, 200 IDs"
        and "200 rows in the Sheet, 0 duplicates" in result.notes[1]
    )
    copied = burst.KillRun(submitted=200, kills=3, rows=203, ids=200, missing=0, seconds=9.0)
    assert "with kills: 3 rows twice" in burst.summarise([good], burst.STAND_IN, 200, copied).verdict


def test_the_st_gsheets_connection_pattern_reads_each_tab_three_times_then_serves_its_cache(tmp_path):
    """On a miss: open_by_url, worksheet() and values_get per tab; within the ttl nothing more, whatever the viewers."""
    with SheetsEmulator() as emulator:
        emulator.add_spreadsheet(upstream.KEY, tabs=synthetic_tabs(200, TODAY))
        one = upstream.connection_reads(emulator, 1, list(PAGES), every=30)
        many = upstream.connection_reads(emulator, 4, list(PAGES), every=30)
        short = upstream.connection_reads(emulator, 1, list(PAGES), every=5, ttl=20)
    tabs = one.misses
    assert tabs == 5 and one.requests == Counter({"metadata": 2 * tabs, "values_get": tabs})
    assert many.total == one.total, "flat in viewers: st.cache_data is shared by every session"
    assert short.misses == 3 * tabs, "a 20 s ttl runs out twice in the minute"


def test_verdicts_are_made_from_the_figures_they_talk_about():
    """A verdict names the figures of its own run: change one and the sentence changes with it."""
    from bench import browser, memory, pages, payload
    from bench.report import Sample

    small = memory.MemoryRun(1_000, 20, "", 54, 230, 240, 50)
    for peak, held, words in (
        (380, 300, ["20 MB under 400 MB"]),
        (450, 420, ["50 MB over 400 MB", "most of the gap is memory kept"]),
    ):
        result = memory.summarise([small, memory.MemoryRun(100_000, 20, "", 54, held, peak, 90)])
        assert result.met == (peak <= 400) and all(w in result.verdict for w in words)

    page_list = ["views/a.py", "views/b.py"]
    times = [
        pages.PageTimes(
            n,
            Sample(1, 1),
            {p: Sample(0.1, 0.1) for p in page_list},
            {p: Sample(w, w) for p, w in zip(page_list, changed)},
        )
        for n, changed in ((1_000, (0.12, 0.12)), (100_000, (0.14, 2.0)))
    ]
    warm, after = pages.summarise(times, page_list)
    assert (
        warm.met
        and not after.met
        and "1 of 2 pages" in after.verdict
        and "b.py" in after.verdict
        and "20.0×" in after.verdict
    )

    draws = [browser.Draw("views/kpis.py", 1.5, 0.9, 7), browser.Draw("views/directors.py", 2.4, 1.2, 8)]
    drawn = browser.summarise_drawn(draws, browser.Draw("hello", 0.5, 0.3, 0))
    assert (
        not drawn.met
        and "directors.py drawn in 2.4 s, 0.4 s over" in drawn.verdict
        and "kpis.py" not in drawn.verdict.split(";")[0]
    )

    cold = browser.summarise_cold(
        [browser.ColdStart("app.py", 1.2, 1.9, 2.8)], [browser.ColdStart("hello.py", 1.1, 1.5, 1.6)]
    )
    assert cold.met and "2.8 s after" in cold.verdict and "0.7 s after the page was asked for" in cold.verdict

    sent = payload.summarise(
        [
            payload.Payload(1_000, {"views/leaderboard.py": 20_000}),
            payload.Payload(100_000, {"views/leaderboard.py": 60 * 1024}),
        ]
    )
    assert not sent.met and "60.0 KB" in sent.verdict and "10.0 KB over 50 KB" in sent.verdict
