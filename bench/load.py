"""2. Load and parse: fetch + parse + validate of the Posts tab at 1k, 10k and 100k rows, against json.loads and read_csv of the same rows.

Rally's path is the app's: `GoogleSheetSource.fetch` through real gspread against
the emulator (HTTP, JSON decoding, cells to text, the snapshot's version), then
`rally.sheet.dataset.build_dataset` (header detection, typed columns, every data issue).
Two floors, measured in the same run: `json.loads` of the same batchGet answer with the cycle collector
paused (the least any reader of the Sheets API's JSON pays: one Python object per cell) and `pandas.read_csv` of the same tabs written as
CSV files (what a CSV export would cost, which the API doesn't offer). The emulator's own time on the
request (building and encoding the JSON, what Google does on its side) is measured inside the emulator and
shown apart. A cProfile of one load at the biggest size says where Rally's own time goes.
"""

from __future__ import annotations

import cProfile
import gc
import json
import math
import pstats
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path

import pandas as pd
import requests

from bench.data import synthetic_tabs, write_csvs
from bench.report import Measurement, best_of, ms, ratio, timed
from data_sources.base import Snapshot
from data_sources.google_sheet import READ_PARAMS, GoogleSheetSource, _row_text, a1_tab, decode_values
from rally.core.contract import POSTS, read_table
from rally.sheet.dataset import build_dataset
from tests.emulator.sheets_emulator import SheetsEmulator
from tests.sources import NO_WAIT, emulator_config

SIZES = (1_000, 10_000, 100_000)
TARGET_RATIO = 3.0
# Growth from 10k to 100k rows, as an exponent: 1.0 is linear; a little over allows for cache effects.
TARGET_EXPONENT = 1.15


@dataclass
class LoadTimes:
    """CPU seconds (steady on a busy machine) of one load of `rows` post rows, and the wall time of the whole."""

    rows: int
    floor: float  # read_csv of every tab
    json_floor: float  # json.loads of the batchGet answer
    fetch: float  # GoogleSheetSource.fetch, the emulator's CPU included (it runs in this process)
    server: float  # the emulator's own CPU on the batchGet: Google's side
    parse: float  # build_dataset
    wall: float  # fetch + parse on the clock
    floor_wall: float
    issues: int
    posts: int

    @property
    def total(self) -> float:
        return self.fetch + self.parse

    @property
    def rally(self) -> float:
        """What Rally's process spends: everything but the emulator's own work."""
        return self.total - self.server


def source_for(emulator: SheetsEmulator, tabs: dict, key: str, data_dir: Path) -> GoogleSheetSource:
    emulator.add_spreadsheet(key, tabs=tabs)
    return GoogleSheetSource(emulator_config(emulator, data_dir, key), retry=NO_WAIT, sleep=lambda seconds: None)


def measure_size(emulator: SheetsEmulator, rows: int, today: date, folder: Path, repeats: int) -> LoadTimes:
    tabs = synthetic_tabs(rows, today)
    csvs = write_csvs(tabs, folder / f"csv-{rows}")
    source = source_for(emulator, tabs, source_key(rows), folder)
    source.fetch()  # the metadata read and the connection, which the app makes once per server
    del tabs

    floor, _ = best_of(repeats, lambda: [pd.read_csv(path) for path in csvs.values()])
    answer = batch_answer(emulator, source_key(rows))
    json_floor, _ = best_of(repeats, lambda: loads_without_collector(answer))
    best: LoadTimes | None = None
    for _ in range(repeats):
        emulator.reset_log()
        fetch, snapshot = timed(source.fetch)
        server = sum(r.cpu_seconds for r in emulator.requests("batch_get"))
        parse, dataset = timed(partial(build_dataset, snapshot.tabs, snapshot.locale))
        times = LoadTimes(
            rows,
            floor.cpu,
            json_floor.cpu,
            fetch.cpu,
            server,
            parse.cpu,
            fetch.wall + parse.wall,
            floor.wall,
            len(dataset.issues),
            len(dataset.posts),
        )
        if best is None or times.total < best.total:
            best = times
        del snapshot, dataset
    assert best is not None
    return best


def source_key(rows: int) -> str:
    return f"bench-load-{rows}"


def batch_answer(emulator: SheetsEmulator, key: str) -> bytes:
    """The bytes of the batchGet answer Rally's read gets for spreadsheet `key` (every tab, as Rally asks)."""
    params = {**READ_PARAMS, "ranges": [a1_tab(t) for t in emulator.tab_titles(key)]}
    return requests.get(f"{emulator.url}/v4/spreadsheets/{key}/values:batchGet", params=params, timeout=60).content


OUR_CODE = ("/rally/", "/data_sources/")
# The calls that hold all the others: the verdict names the biggest parts below them.
ENTRY_POINTS = ("build_dataset", "read_sheet", "read_live", "fetch", "read")


def profile(source: GoogleSheetSource, top: int = 10) -> list[tuple[str, float]]:
    """Rally's functions that take the most CPU in one fetch + parse, with what they call: (where, seconds).

    Timed on this thread's CPU clock, so the in-process emulator answering the request is not counted.
    """
    source.fetch()  # the metadata read and the connection, made once per server
    profiler = cProfile.Profile(time.thread_time)
    profiler.enable()
    snapshot = source.fetch()
    build_dataset(snapshot.tabs, snapshot.locale)
    profiler.disable()
    ours = [
        (cumulative, f"{Path(file).parent.name}/{Path(file).name} {name}")
        for (file, _, name), (_, _, _, cumulative, _) in pstats.Stats(profiler).stats.items()
        if any(part in file for part in OUR_CODE)
    ]
    return [(where, seconds) for seconds, where in sorted(ours, reverse=True)[:top]]


def loads_without_collector(answer: bytes) -> object:
    """`json.loads` with Python's cycle collector paused: the least any reader of the answer pays (JSON holds no
    cycles). With the collector running, whether a full collection fell inside the call moved this floor between
    119 and 276 ms at 100k rows from one run to the next, and every ratio to it with it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return json.loads(answer)
    finally:
        if enabled:
            gc.enable()


def breakdown(emulator: SheetsEmulator, rows: int, repeats: int) -> list[tuple[str, float]]:
    """Where Rally's time goes at `rows` rows, step by step (CPU seconds, best of `repeats`), to name what is left."""
    key = source_key(rows)
    answer = batch_answer(emulator, key)
    plain, _ = best_of(repeats, lambda: json.loads(answer))
    decode, value_ranges = best_of(repeats, lambda: decode_values(answer))
    to_text, rows_by_tab = best_of(
        repeats, lambda: [[_row_text(r) for r in vr.get("values", [])] for vr in value_ranges]
    )
    tabs = dict(zip(emulator.tab_titles(key), rows_by_tab))
    version, _ = best_of(repeats, lambda: Snapshot.of(tabs, "google-sheet", content=answer))
    table, _ = best_of(repeats, lambda: read_table(tabs["Posts"], POSTS))
    build, _ = best_of(repeats, lambda: build_dataset(tabs))
    return [
        (
            f"the answer: {len(answer) / 2**20:.1f} MB of JSON; plain `json.loads` of it (cycle collector running)",
            plain.cpu,
        ),
        ("`decode_values` (JSON with integers kept as text)", decode.cpu),
        ("rows to text (`_row_text`: only rows holding true/false/null)", to_text.cpu),
        ("the snapshot's version (a hash of the answer)", version.cpu),
        ("`read_table` of Posts (header, columns, strip, blank rows)", table.cpu),
        ("`build_dataset` of every tab (read_table included)", build.cpu),
    ]


def run(sizes: tuple[int, ...] = SIZES, repeats: int = 3, today: date | None = None) -> Measurement:
    today = today or date.today()
    with tempfile.TemporaryDirectory(prefix="rally-bench-load-") as tmp, SheetsEmulator() as emulator:
        times = [measure_size(emulator, n, today, Path(tmp), repeats) for n in sizes]
        steps = breakdown(emulator, sizes[-1], repeats)
        source = GoogleSheetSource(
            emulator_config(emulator, Path(tmp), source_key(sizes[-1])), retry=NO_WAIT, sleep=lambda seconds: None
        )
        hot = profile(source)
    return summarise(times, steps, hot)


def growth_exponent(small: LoadTimes, big: LoadTimes) -> float:
    return math.log(big.rally / small.rally) / math.log(big.rows / small.rows)


def summarise(
    times: list[LoadTimes], steps: list[tuple[str, float]] = (), hot: list[tuple[str, float]] = ()
) -> Measurement:
    rows = [
        [
            f"{t.rows:,}",
            ms(t.json_floor),
            ms(t.floor),
            ms(t.fetch),
            ms(t.server),
            ms(t.parse),
            ms(t.rally),
            ratio(t.rally, t.json_floor),
            ratio(t.rally, t.floor),
            f"{t.rally / t.rows * 1e6:.1f} µs",
            f"{ms(t.wall)} / {ms(t.floor_wall)}",
            f"{t.posts:,} / {t.issues:,}",
        ]
        for t in times
    ]
    big = times[-1]
    exponent = growth_exponent(times[-2], big) if len(times) > 1 else 1.0
    within = big.rally <= TARGET_RATIO * big.json_floor
    linear = exponent <= TARGET_EXPONENT
    parts = [
        f"{ratio(big.rally, big.json_floor)} the JSON floor at {big.rows:,} rows"
        + ("" if within else f", not ≤ {TARGET_RATIO:g}× ({ms(big.rally - TARGET_RATIO * big.json_floor)} over)")
        + f" ({ratio(big.rally, big.floor)} read_csv)",
        f"growth exponent {exponent:.2f} from {times[-2].rows:,} to {big.rows:,} rows"
        + (" (linear)" if linear else f" (linear is 1.0; target ≤ {TARGET_EXPONENT:g})")
        if len(times) > 1
        else "",
    ]
    verdict = "; ".join(p for p in parts if p)
    parts_of_it = [(where, seconds) for where, seconds in hot if where.split()[-1] not in ENTRY_POINTS]
    if not within and len(parts_of_it) >= 2:
        (first, first_s), (second, second_s) = parts_of_it[0], parts_of_it[1]
        verdict += (
            f". In the profile of one {big.rows:,}-row load the biggest parts are `{first}` ({ms(first_s)}) and "
            f"`{second}` ({ms(second_s)}); the notes list more"
        )
    notes = []
    if steps:
        notes.append(
            f"Steps at {big.rows:,} rows (CPU, best of the repeats): "
            + "; ".join(
                f"{what}: {ms(seconds)} ({ratio(seconds, big.json_floor)} the JSON floor)" for what, seconds in steps
            )
        )
    if hot:
        notes.append(
            f"Where the time goes (cProfile of one fetch + build_dataset at {big.rows:,} rows: Rally's functions by CPU with what "
            "they call, so they nest; the profiler's overhead included): "
            + "; ".join(f"`{where}` {ms(seconds)}" for where, seconds in hot)
        )
    notes.append(
        "bench/NOTES.md tells what the profile showed and what was changed, with the figures before and after."
    )
    return Measurement(
        number=2,
        title="Load and parse",
        method=(
            f"Posts tabs of {', '.join(f'{t.rows:,}' for t in times)} rows made up by `bench/data.py` (ragged rows; date cells as serial numbers, some with a time; "
            "dates typed as 16/11/2026, Nov 18, 2026, 18 Nov 2026 and ISO; counts as numbers and as 1.2k, 3,400, n/a; repeated links, "
            "non-web links, blank names), with the demo's other tabs and a Staff tab grown to about 40 posts a person. "
            "Rally: `GoogleSheetSource.fetch` (real gspread, HTTP, JSON decoding, cells to text, the snapshot's version) "
            "against the in-process emulator, then `build_dataset`. Floors: `json.loads` of the same batchGet answer, cycle collector paused (what any "
            "reader of the API's JSON pays before doing anything) and `pandas.read_csv` of the same tabs as CSV files. "
            "*Emulator* is the emulator's own time building and encoding the answer (Google's side of the request); "
            "*Rally* is fetch + parse without it."
        ),
        headers=[
            "Post rows",
            "json.loads (floor)",
            "read_csv",
            "fetch",
            "of which emulator",
            "build_dataset",
            "Rally",
            "Rally ÷ JSON floor",
            "Rally ÷ read_csv",
            "Rally per row",
            "wall: Rally+emulator / read_csv",
            "posts counted / issues",
        ],
        rows=rows,
        baseline=f"json.loads {ms(big.json_floor)}, read_csv {ms(big.floor)}",
        result=f"{ms(big.rally)} (+{ms(big.server)} emulator)",
        ratio=f"{ratio(big.rally, big.json_floor)} JSON, {ratio(big.rally, big.floor)} CSV",
        target=f"≤ {TARGET_RATIO:g}× the JSON floor at 100k rows, linear growth",
        met=within and linear,
        verdict=verdict,
        notes=notes,
    )
