"""An outbox writer in a process of its own, so a test (or the benchmark) can kill it in the middle of an append.

    python -m tests.outbox_writer OUTBOX_FILE EMULATOR_HOST SHEET_KEY [--quick] [--state POSTGRESQL_URL]

It sends what the outbox file holds to the Sheet in the emulator, as a Rally server's
writer thread does, until it is killed. `--quick` shortens the waits (backoff, pacing,
settling after no answer) so a test runs in seconds; the logic is the same. With `--state` it is one
writer of a fleet's shared outbox (the PostgreSQL table) instead of the file's.
"""

from __future__ import annotations

import argparse
import threading
from pathlib import Path

from data_sources.config import RallyConfig
from data_sources.google_sheet import GoogleSheetSource
from data_sources.outbox import Outbox
from data_sources.retry import RetryPolicy

QUICK = {
    "policy": RetryPolicy(attempts=1_000_000, base_seconds=0.02, cap_seconds=0.2),
    "min_seconds_between_appends": 0.05,
    "settle_seconds": 0.2,
}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outbox")
    parser.add_argument("emulator_host")
    parser.add_argument("sheet_key")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--state", help="a fleet's PostgreSQL URL: write from its shared outbox")
    args = parser.parse_args(argv)
    config = RallyConfig(
        gsheets={"spreadsheet": f"https://docs.google.com/spreadsheets/d/{args.sheet_key}/edit"},
        data_dir=Path(args.outbox).parent,
        emulator_host=args.emulator_host,
    )
    source = GoogleSheetSource(config, retry=RetryPolicy(attempts=3, base_seconds=0.02, cap_seconds=0.1))
    if args.state:
        from data_sources.shared_outbox import SharedOutbox
        from data_sources.shared_state import SharedState

        outbox = SharedOutbox(SharedState(args.state), source, writer="killed-writer", **(QUICK if args.quick else {}))
    else:
        outbox = Outbox(Path(args.outbox), source, **(QUICK if args.quick else {}))
    outbox.start()
    threading.Event().wait()  # until killed


if __name__ == "__main__":
    main()
