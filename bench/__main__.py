"""`python -m bench`: every measurement side by side in one run, written to bench/RESULTS.md.

python -m bench                 # every measurement, full sizes (about an hour on 2 cores) -> bench/RESULTS.md
python -m bench --only 10,11    # some of them: their rows and sections replace the old ones in RESULTS.md (3 and 4 run together)
python -m bench --quick         # small sizes, printed only: a check that everything runs
python -m bench --profile       # pyinstrument's profile of one 100k-row load and parse, printed
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from bench import browser, burst, fleet, load, memory, pages, payload, phones, upstream
from bench.merge import merge
from bench.report import Measurement, machine, write_results

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


# (the numbers one run reports, its name, the call): measurements 3 and 4 come from the same sessions.
Entry = tuple[tuple[int, ...], str, Callable[[], Measurement | list[Measurement]]]


def measurements(quick: bool) -> list[Entry]:
    if quick:
        return [
            ((1,), "upstream reads", lambda: upstream.run(viewers=(1, 3))),
            ((2,), "load and parse", lambda: load.run(sizes=(1_000, 10_000), repeats=1)),
            (
                (3, 4),
                "page time, first rerun after a change",
                lambda: pages.run(sizes=(1_000, 10_000), repeats=2, change_repeats=1),
            ),
            (
                (5,),
                "survey burst",
                lambda: burst.run(scenarios=((1, 0.0),), submissions=50, kills=2, quick_writer=True),
            ),
            ((6,), "memory", lambda: memory.run(sizes=(1_000, 10_000), sessions=5)),
            ((7,), "drawn in Chromium", lambda: browser.run_drawn(repeats=1)),
            ((8,), "cold start", lambda: browser.run_cold(repeats=1)),
            ((9,), "page payload", lambda: payload.run(sizes=(1_000, 10_000))),
            ((10,), "phones per server", lambda: phones.run(steps=(5,))),
            ((11,), "fleet", lambda: fleet.run(phones=12)),
        ]
    return [
        ((1,), "upstream reads", upstream.run),
        ((2,), "load and parse", load.run),
        ((3, 4), "page time, first rerun after a change", pages.run),
        ((5,), "survey burst", burst.run),
        ((6,), "memory", memory.run),
        ((7,), "drawn in Chromium", browser.run_drawn),
        ((8,), "cold start", browser.run_cold),
        ((9,), "page payload", payload.run),
        ((10,), "phones per server", phones.run),
        ((11,), "fleet", fleet.run),
    ]


def profile_load(rows: int = 100_000) -> None:
    """Where a load of `rows` post rows spends its time: fetch through the emulator, then build_dataset."""
    import tempfile

    from pyinstrument import Profiler

    from bench.data import synthetic_tabs
    from rally.sheet.dataset import build_dataset
    from tests.emulator.sheets_emulator import SheetsEmulator

    with tempfile.TemporaryDirectory() as tmp, SheetsEmulator() as emulator:
        source = load.source_for(emulator, synthetic_tabs(rows, date.today()), "bench-profile", Path(tmp))
        source.fetch()
        profiler = Profiler(interval=0.001)
        with profiler:
            snapshot = source.fetch()
            build_dataset(snapshot.tabs, snapshot.locale)
    print(profiler.output_text(unicode=True, color=sys.stdout.isatty()))


def quiet_streamlit() -> None:
    """AppTest sessions outside a server log bare-mode notices by the hundred; only errors are worth reading here."""
    import streamlit.logger
    from streamlit import config

    config.get_option("logger.level")  # parse the config now, or parsing it later sets the loggers back to "info"
    config.set_option("logger.level", "error")
    streamlit.logger.set_log_level("error")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Rally's benchmark: speed and load as ratios against baselines, written to bench/RESULTS.md.",
    )
    parser.add_argument(
        "--only",
        help="comma-separated measurement numbers (1 upstream reads, 2 load and parse, 3 page time, 4 first rerun after a "
        "change, 5 survey burst, 6 memory, 7 drawn in Chromium, 8 cold start, 9 page payload, 10 phones per server, "
        "11 fleet)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="small sizes; prints the results instead of writing RESULTS.md (unless --output)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        help=f"where to write the results (default {RESULTS.relative_to(Path.cwd()) if RESULTS.is_relative_to(Path.cwd()) else RESULTS})",
    )
    parser.add_argument(
        "--profile", action="store_true", help="print pyinstrument's profile of one 100k-row load and parse, and stop"
    )
    args = parser.parse_args(argv)
    quiet_streamlit()
    logging.basicConfig(level=logging.ERROR)
    logging.getLogger("rally.outbox").setLevel(logging.ERROR)  # refusals the burst counts itself
    if args.profile:
        profile_load()
        return 0

    available = measurements(args.quick)
    wanted = (
        {int(n) for n in args.only.split(",")} if args.only else {n for numbers, _, _ in available for n in numbers}
    )
    machine_rows = machine()
    started, clock = datetime.now().astimezone(), time.monotonic()
    results: list[Measurement] = []
    for numbers, name, call in available:
        if not wanted & set(numbers):
            continue
        print(f"[{time.monotonic() - clock:6.0f} s] {'+'.join(map(str, numbers))}. {name} …", flush=True)
        began = time.monotonic()
        outcome = call()
        for result in outcome if isinstance(outcome, list) else [outcome]:
            result.seconds = time.monotonic() - began
            results.append(result)
            print(
                f"[{time.monotonic() - clock:6.0f} s]    {result.number}. {'met' if result.met else 'GAP'}: {result.verdict}",
                flush=True,
            )
    command = "python -m bench" + (f" --only {args.only}" if args.only else "") + (" --quick" if args.quick else "")
    output = args.output or (None if args.quick else RESULTS)
    previous = output.read_text(encoding="utf-8") if output and args.only and output.exists() else ""
    text = write_results(output or Path("/dev/null"), results, started, command, machine_rows, time.monotonic() - clock)
    if previous:
        output.write_text(merge(previous, text), encoding="utf-8")
    if output:
        print(f"Results written to {output}")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
