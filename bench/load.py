"""2. Load and parse: fetch + parse + validate of the Posts tab at 1k, 10k and 100k rows, against pandas.read_csv of the same rows.

Rally's path is the app's: `GoogleSheetSource.fetch` through real gspread against
the emulator (HTTP, JSON decoding, cells to text, the snapshot's version), then
`rally.sheet.dataset.build_dataset` (header detection, typed columns, every data issue).
The floor is `pandas.read_csv` of the same tabs written as CSV files. The
emulator's own time on the request (building and encoding the JSON, what Google
does on its side) is measured inside the emulator and shown apart.
"""

from __future__ import annotations

import json
import math
import tempfile
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
    source = source_for(emulator, tabs, f"bench-load-{rows}", folder)
    source.fetch()  # the metadata read and the connection, which the app makes once per server
    del tabs

    floor, _ = best_of(repeats, lambda: [pd.read_csv(path) for path in csvs.values()])
    best: LoadTimes | None = None
    for _ in range(repeats):
        emulator.reset_log()
        fetch, snapshot = timed(source.fetch)
        server = sum(r.cpu_seconds for r in emulator.requests("batch_get"))
        parse, dataset = timed(partial(build_dataset, snapshot.tabs, snapshot.locale))
        times = LoadTimes(
            rows,
            floor.cpu,
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


def breakdown(emulator: SheetsEmulator, rows: int, repeats: int) -> list[tuple[str, float]]:
    """Where Rally's time goes at `rows` rows, step by step (CPU seconds, best of `repeats`), to name what is left."""
    key = f"bench-load-{rows}"
    ranges = [a1_tab(t) for t in emulator.tab_titles(key)]
    params = {**READ_PARAMS, "ranges": ranges}
    answer = requests.get(f"{emulator.url}/v4/spreadsheets/{key}/values:batchGet", params=params, timeout=60).content
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
    return summarise(times, steps)


def growth_exponent(small: LoadTimes, big: LoadTimes) -> float:
    return math.log(big.rally / small.rally) / math.log(big.rows / small.rows)


def summarise(times: list[LoadTimes], steps: list[tuple[str, float]] = ()) -> Measurement:
    rows = [
        [
            f"{t.rows:,}",
            ms(t.floor),
            ms(t.fetch),
            ms(t.server),
            ms(t.parse),
            ms(t.rally),
            ratio(t.rally, t.floor),
            ratio(t.total, t.floor),
            f"{t.rally / t.rows * 1e6:.1f} µs",
            f"{ms(t.wall)} / {ms(t.floor_wall)}",
            f"{t.posts:,} / {t.issues:,}",
        ]
        for t in times
    ]
    big = times[-1]
    exponent = growth_exponent(times[-2], big) if len(times) > 1 else 1.0
    within = big.rally <= TARGET_RATIO * big.floor
    linear = exponent <= TARGET_EXPONENT
    if within and linear:
        verdict = f"{ratio(big.rally, big.floor)} the floor at {big.rows:,} rows; growth exponent {exponent:.2f}"
    else:
        gaps = []
        if not within:
            gaps.append(
                f"{ratio(big.rally, big.floor)} the floor at {big.rows:,} rows, not ≤ {TARGET_RATIO:g}× ({ms(big.rally - TARGET_RATIO * big.floor)} over)"
            )
        if not linear:
            gaps.append(f"growth exponent {exponent:.2f} from {times[-2].rows:,} to {big.rows:,} rows (linear is 1.0)")
        verdict = "; ".join(gaps)
        if linear:
            verdict += f"; growth is linear (exponent {exponent:.2f} from {times[-2].rows:,} to {big.rows:,} rows)"
        if steps:
            verdict += (
                f". What is left is Python objects: decoding the API's JSON alone takes {ratio(steps[1][1], big.floor)} the floor, because "
                "read_csv parses text straight into Arrow columns in C while the JSON holds one Python object per cell (see the steps below)"
            )
    notes = (
        [
            f"Steps at {big.rows:,} rows (CPU, best of the repeats): "
            + "; ".join(f"{what}: {ms(seconds)} ({ratio(seconds, big.floor)} the floor)" for what, seconds in steps)
        ]
        if steps
        else []
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
            "against the in-process emulator, then `build_dataset`. Floor: `pandas.read_csv` of the same tabs as CSV files. "
            "*Emulator* is the emulator's own time building and encoding the answer (Google's side of the request); "
            "*Rally* is fetch + parse without it."
        ),
        headers=[
            "Post rows",
            "read_csv (floor)",
            "fetch",
            "of which emulator",
            "build_dataset",
            "Rally",
            "Rally ÷ floor",
            "all ÷ floor",
            "Rally per row",
            "wall: Rally+emulator / floor",
            "posts counted / issues",
        ],
        rows=rows,
        baseline=f"read_csv {ms(big.floor)}",
        result=f"{ms(big.rally)} (+{ms(big.server)} emulator)",
        ratio=ratio(big.rally, big.floor),
        target=f"≤ {TARGET_RATIO:g}× the floor at 100k rows, linear growth",
        met=within and linear,
        verdict=verdict,
        notes=notes,
    )
