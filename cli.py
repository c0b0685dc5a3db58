"""`python cli.py …`: the same data and rules as the app, from a terminal or a scheduled job.

The command line's edge, beside app.py (the web app's): it asks the same composition root
(data_sources.server) for the same configuration, source and dataset as the app, and every
figure it prints comes from the pure rules in rally/.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence

from data_sources import server as composition
from data_sources.config import ConfigError
from data_sources.server import LiveData, Server
from rally.core import contract
from rally.sheet.dataset import Dataset
from rally.sheet.health import all_issues

EXIT_OK, EXIT_UNREADABLE = 0, 2
EXIT_USAGE = 2  # argparse's own code for a bad argument
Command = Callable[[argparse.Namespace], int]
COMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None], Command]] = {}


def command(
    name: str, help_text: str, arguments: Callable[[argparse.ArgumentParser], None] = lambda parser: None
) -> Callable[[Command], Command]:
    """Register a sub-command."""

    def register(function: Command) -> Command:
        COMMANDS[name] = (help_text, arguments, function)
        return function

    return register


class Unreadable(Exception):
    """The source could not be read or configured: printed as one line, exit 2."""


def rally_server() -> Server:
    """The same Server the app builds (data_sources.server), from the secrets file and the environment."""
    try:
        return composition.for_secrets()
    except ConfigError as error:
        raise Unreadable(str(error)) from None


def read_data() -> LiveData:
    """The dataset of a fresh read of the configured source; Unreadable (with the reason) when it can't be read."""
    data = rally_server().current(refresh=True, live=True)
    if data.dataset is None:
        raise Unreadable(data.state.error or "the source returned nothing")
    if data.state.error:
        raise Unreadable(data.state.error)
    return data


def check_report(source: str, fetched_at: str, dataset: Dataset) -> dict:
    """The `check` command's JSON: row counts per tab and every data issue."""
    return {
        "source": source,
        "fetched_at": fetched_at,
        "tabs": {name: {"rows": s.rows, "valid": s.valid, "title": s.title} for name, s in dataset.tabs.items()},
        "issues": [i.as_dict() for i in all_issues(dataset)],
    }


@command(
    "check",
    "read the configured source and list row counts and every data issue",
    lambda p: p.add_argument("--format", choices=["text", "json"], default="text"),
)
def check(args: argparse.Namespace) -> int:
    data = read_data()
    snapshot = data.state.snapshot
    report = check_report(snapshot.source, snapshot.fetched_at.isoformat(timespec="seconds"), data.dataset)
    if args.format == "json":
        print(json.dumps(report, indent=2, ensure_ascii=False))
        return EXIT_OK
    print(f"Source: {report['source']} (read {report['fetched_at']})")
    for name, counts in report["tabs"].items():
        where = f"'{counts['title']}'" if counts["title"] else "missing"
        print(f"  {name:<16} {where:<22} {counts['rows']:>7,} rows, {counts['valid']:>7,} counted")
    print(f"{len(report['issues'])} data issue(s)")
    for issue in report["issues"]:
        value = f" {issue['value']!r}" if issue["value"] else ""
        print(f"  {issue['tab']} row {issue['row']} {issue['column']}{value}: {issue['problem']}")
    return EXIT_OK


@command(
    "init-sheet", "add any missing tab, with its header row, to the configured Sheet (existing data is never touched)"
)
def init_sheet(args: argparse.Namespace) -> int:
    from data_sources.base import SourceError

    source = rally_server().source
    try:
        added = source.ensure_tabs({spec.name: spec.header for spec in contract.ALL_TABS})
    except SourceError as error:
        raise Unreadable(str(error)) from None
    print("Added tabs: " + ", ".join(added) if added else "Every tab is already there; nothing changed.")
    return EXIT_OK


@command("reset-demo", "forget the demo store's rows (people's included) and seed the demo company afresh")
def reset_demo(args: argparse.Namespace) -> int:
    from data_sources.local_store import LocalStore

    source = rally_server().source
    if not isinstance(source, LocalStore):
        raise Unreadable(
            "reset-demo only resets the embedded demo; a Google Sheet is configured, so nothing was changed."
        )
    source.reset()
    print(f"Demo data reset in {source.path}")
    return EXIT_OK


def _month_argument(text: str) -> str:
    from rally.core.months import parse_month

    month = parse_month(text)
    if not month:
        raise argparse.ArgumentTypeError(f"{text!r} is not a month (try 2026-10 or 'Oct 2026')")
    return month


def _report_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--month", type=_month_argument, help="the month to report (default: the last complete month)")
    parser.add_argument("--format", choices=["html", "pdf", "json"], default="html")
    parser.add_argument("--output", "-o", default="-", help="file to write (default: standard output)")


@command(
    "report",
    "the monthly KPI report for directors: KPIs against targets and programme health (html, pdf or json)",
    _report_arguments,
)
def report(args: argparse.Namespace) -> int:
    from pathlib import Path

    from rally.monthly.kpis import last_complete_month
    from rally.monthly.report import monthly_report, render

    data = read_data()
    today = data.today()
    month = args.month or last_complete_month(today)
    stamp = f"{data.state.snapshot.fetched_at.astimezone():%Y-%m-%d %H:%M}"
    content = render(monthly_report(data.dataset, month, today, stamp), args.format)
    if args.output == "-":
        sys.stdout.buffer.write(content)
        sys.stdout.flush()
    else:
        Path(args.output).write_bytes(content)
        print(
            f"Wrote the {month} report ({args.format.upper()}, {len(content):,} bytes) to {args.output}",
            file=sys.stderr,
        )
    return EXIT_OK


EXIT_SEND_FAILED = 1


def _digest_arguments(parser: argparse.ArgumentParser) -> None:
    from rally.weekly.digest import FORMATS

    parser.add_argument("--week", help="ISO week such as 2026-W47 (default: the last complete week)")
    parser.add_argument("--format", choices=FORMATS, default="markdown")
    parser.add_argument(
        "--send",
        action="store_true",
        help="send it to every channel configured in the secrets file ([rally.smtp], [rally.slack], [rally.teams]) instead of printing it",
    )
    parser.add_argument(
        "--channel",
        action="append",
        choices=["email", "slack", "teams"],
        help="with --send: only this channel (repeat for several), e.g. to try again where it failed",
    )


@command(
    "digest",
    "print the weekly digest (totals, highlights, hero, winners, leaderboard, what we'll do better)",
    _digest_arguments,
)
def digest(args: argparse.Namespace) -> int:
    from rally.core.week import Week
    from rally.weekly.digest import digest_data, render_digest
    from rally.weekly.glance import meeting_week
    from rally.weekly.meeting import weekly_meeting

    if args.week:
        try:
            week = Week.parse(args.week)
        except ValueError as error:
            print(f"rally digest: {error}", file=sys.stderr)
            return EXIT_USAGE
    if args.send:
        settings = _delivery_settings()  # before reading the Sheet: a typo in the secrets is found at once
    data = read_data()
    week = Week.parse(args.week) if args.week else meeting_week(data.today())
    meeting = weekly_meeting(data.dataset, week, today=data.today())
    if not args.send:
        sys.stdout.write(render_digest(digest_data(meeting), args.format))
        return EXIT_OK
    return _send(digest_data(meeting), settings, args.channel)


def _delivery_settings():
    from data_sources.delivery import delivery_settings

    try:
        settings = delivery_settings(rally_server().config.rally)
    except ConfigError as error:
        raise Unreadable(str(error)) from None
    if not settings.channels:
        raise Unreadable(
            "nowhere to send the digest: add [rally.smtp], [rally.slack] or [rally.teams] to .streamlit/secrets.toml "
            "(see .streamlit/secrets.toml.example)."
        )
    return settings


def _send(data: dict, settings, channels: list[str] | None) -> int:
    """Send to each channel and say how each went; exit 1 when any failed (with the command that tries it again)."""
    from data_sources.delivery import send_digest

    results = send_digest(data, settings, channels)
    for result in results:
        print(f"{result.label}: {'sent' if result.ok else 'NOT SENT'} — {result.message}")
    failed = [r.channel for r in results if not r.ok]
    if failed:
        again = " ".join(f"--channel {c}" for c in failed)
        print(f"Try again with: python cli.py digest --week {data['week']} --send {again}", file=sys.stderr)
        return EXIT_SEND_FAILED
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python cli.py", description="Rally from the command line (same configuration as the app)."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for name, (help_text, arguments, _) in COMMANDS.items():
        arguments(commands.add_parser(name, help=help_text, description=help_text))
    args = parser.parse_args(argv)
    try:
        return COMMANDS[args.command][2](args)
    except Unreadable as error:
        print(f"rally {args.command}: {error}", file=sys.stderr)
        return EXIT_UNREADABLE


if __name__ == "__main__":
    sys.exit(main())
