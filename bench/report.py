"""What a measurement hands back, and how bench/RESULTS.md is written from them."""

from __future__ import annotations

import importlib.metadata
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import psutil

PACKAGES = ("streamlit", "pandas", "pyarrow", "numpy", "altair", "gspread", "requests", "playwright", "psutil")


@dataclass
class Measurement:
    number: int
    title: str
    method: str  # how it was measured, in a sentence or two
    headers: list[str]
    rows: list[list[str]]
    baseline: str  # the summary line's baseline figure
    result: str  # the summary line's figure for Rally
    ratio: str
    target: str
    met: bool
    verdict: str  # what the figures say against the target; names the gap when there is one
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0  # how long the measurement took to run


@dataclass(frozen=True)
class Sample:
    wall: float  # seconds on the clock
    cpu: float  # seconds this process was on a CPU: what the code costs, whatever else the machine runs


def timed(call: Callable[[], object]) -> tuple[Sample, object]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = call()
    return Sample(time.perf_counter() - wall, time.process_time() - cpu), result


def best_of(repeats: int, call: Callable[[], object]) -> tuple[Sample, object]:
    """The least CPU of `repeats` runs (the least disturbed by the rest of the machine), and the last result."""
    samples, result = [], None
    for _ in range(repeats):
        sample, result = timed(call)
        samples.append(sample)
    return min(samples, key=lambda s: s.cpu), result


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds >= 0.01 else f"{seconds * 1000:,.1f} ms"


def ratio(value: float, baseline: float) -> str:
    return f"{value / baseline:,.1f}×" if baseline else "–"


def chromium_version() -> str:
    try:
        return (
            subprocess.run(
                ["/usr/bin/chromium", "--version"], capture_output=True, text=True, timeout=20
            ).stdout.strip()
            or "not found"
        )
    except (OSError, subprocess.SubprocessError):
        return "not found"


def machine() -> list[tuple[str, str]]:
    cpu = (
        next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            platform.processor(),
        )
        if Path("/proc/cpuinfo").exists()
        else platform.processor()
    )
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    versions = []
    for name in PACKAGES:
        try:
            versions.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{name} (not installed)")
    return [
        ("Cores", f"{psutil.cpu_count(logical=True)} logical ({cpu})"),
        ("Memory", f"{psutil.virtual_memory().total / 2**30:.1f} GiB"),
        ("OS", platform.platform()),
        ("Python", sys.version.split()[0]),
        ("Packages", ", ".join(versions)),
        ("Browser", chromium_version()),
        ("Load average at the start", load),
    ]


def markdown_table(headers: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def write_results(
    path: Path,
    measurements: list[Measurement],
    started: datetime,
    command: str,
    machine_rows: list[tuple[str, str]],
    elapsed: float,
) -> str:
    summary = markdown_table(
        ["#", "Measurement", "Baseline", "Rally", "Ratio", "Target", "Status"],
        [
            [
                str(m.number),
                m.title,
                m.baseline,
                m.result,
                m.ratio,
                m.target,
                ("✅ met" if m.met else "❌ gap") + f": {m.verdict}",
            ]
            for m in measurements
        ],
    )
    parts = [
        "# Rally benchmark results",
        "",
        f"Written by `{command}` on {started:%Y-%m-%d %H:%M %Z}, in {elapsed:,.0f} s. Every figure is compared with a baseline measured "
        "in the same run on the same machine, so ratios hold on a busy machine where absolute times don't. Timings are the best of "
        "several repeats unless a row says otherwise.",
        "",
        "## Machine",
        "",
        markdown_table(["", ""], [[k, v] for k, v in machine_rows]),
        "",
        "## Summary",
        "",
        summary,
        "",
    ]
    for m in measurements:
        parts += [
            f"## {m.number}. {m.title}",
            "",
            m.method,
            "",
            markdown_table(m.headers, m.rows),
            "",
            f"**Target:** {m.target}. **{'Met' if m.met else 'Gap'}:** {m.verdict}",
            "",
        ]
        parts += [f"- {note}" for note in m.notes]
        parts += ["", f"_Measured in {m.seconds:,.0f} s._", ""]
    text = "\n".join(parts).rstrip() + "\n"
    path.write_text(text, encoding="utf-8")
    return text
