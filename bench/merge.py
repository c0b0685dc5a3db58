"""`python -m bench --only N`: the measurements run replace their own rows and sections in RESULTS.md, the others stay.

A full run writes the whole file (bench/report.py); a run of some measurements used to rewrite it with just
those, losing every other figure. Now their summary rows and sections take the place of the old ones (or
are added in number order), and the header says which measurements come from which run.
"""

from __future__ import annotations

import re

SECTION = re.compile(r"^## (\d+)\. ", re.MULTILINE)
SUMMARY_ROW = re.compile(r"^\| (\d+) \|")
WRITTEN = re.compile(r"^Written by `([^`]+)` on ([^,]+),", re.MULTILINE)


def _split(text: str) -> tuple[str, dict[int, str], dict[int, str]]:
    """(the head up to the summary table's rows, summary rows by number, sections by number)."""
    first = SECTION.search(text)
    top, body = (text[: first.start()], text[first.start() :]) if first else (text, "")
    head_lines, rows = [], {}
    for line in top.rstrip("\n").splitlines():
        match = SUMMARY_ROW.match(line)
        if match:
            rows[int(match[1])] = line
        else:
            head_lines.append(line)
    starts = [m.start() for m in SECTION.finditer(body)] + [len(body)]
    sections = {int(SECTION.match(body[a:b])[1]): body[a:b].rstrip("\n") + "\n" for a, b in zip(starts, starts[1:])}
    return "\n".join(head_lines).rstrip("\n") + "\n", rows, sections


def merge(old: str, new: str) -> str:
    """The results file `new` (some measurements) merged into `old` (a previous file): new rows and sections win."""
    if not old.strip():
        return new
    _, old_rows, old_sections = _split(old)
    head, new_rows, new_sections = _split(new)
    kept = sorted(set(old_sections) - set(new_sections))
    rows = {**old_rows, **new_rows}
    sections = {**old_sections, **new_sections}
    written = WRITTEN.search(old)
    if kept and written:
        numbers = ", ".join(str(n) for n in kept)
        head = head.replace(
            "\n## Machine",
            f"\nMeasurements {numbers} are kept from the previous file, written by `{written[1]}` on {written[2]} "
            "(the machine below is this run's).\n\n## Machine",
            1,
        )
    table_end = head.rstrip("\n")
    parts = [table_end, *(rows[n] for n in sorted(rows)), ""]
    parts += [sections[n].rstrip("\n") + "\n" for n in sorted(sections)]
    return "\n".join(parts).rstrip("\n") + "\n"
