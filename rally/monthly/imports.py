"""Numbers imported instead of typed: LinkedIn page analytics exports and Google Analytics 4's traffic acquisition.

Pure readers: the uploaded file's bytes in, an `ImportPlan` out — what Rally would write (KPI months,
post numbers by link), every row it can't use with the reason, and nothing written. A file Rally
can't read raises `ImportProblem` with what to do; then nothing at all is written.

The layouts are those the platforms export (samples in tests/samples/):
- LinkedIn content ("…_content_….xls"): sheet "All posts" (header on row 2 under a description):
  Post title, Post link, Post type, …, Created date, …, Impressions, Views, Offsite Views, Clicks,
  Click through rate (CTR), Likes, Comments, Reposts, Follows, Engagement rate, Content Type.
  Older exports call it "Update engagement" with Update title, Update link and Shares.
  → each post's Reach (Impressions), Reactions (Likes), Comments, Shares (Reposts) and Clicks, by link.
- LinkedIn followers ("…_followers_….xls"): sheet "New followers": Date, Sponsored followers,
  Organic followers, Auto-invited followers, Total followers (new that day) → "Company page followers",
  a running total: last month's figure in the KPIs tab plus the month's new followers.
- LinkedIn visitors ("…_visitors_….xls"): sheet "Visitor metrics": Date, …, Total page views (total),
  Total unique visitors (total) → "Company page views", the month's page views.
- GA4 traffic acquisition (CSV): a "#" preamble (report name, account, property, "# Start date: 20261001",
  "# End date: 20261031"), then "Session primary channel group (Default Channel Group),Sessions,…" → the
  "Organic Social" row's Sessions is the month's "Web traffic from social". A Year month or Date column, when
  the export has one, spreads the rows over several months.
"""

from __future__ import annotations

import calendar
import csv
import hashlib
import io
import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import pandas as pd

from rally.core.contract import KPIS, Column, TabSpec, normalise_key
from rally.core.post_numbers import NUMBER_COLUMNS, POST_NUMBERS, link_key
from rally.core.text import truncate

WEB_TRAFFIC = "Web traffic from social"
FOLLOWERS = "Company page followers"
PAGE_VIEWS = "Company page views"
SOCIAL_CHANNEL = "Organic Social"
EXPORT_LAG_DAYS = 3  # the platforms' exports end a day or two before today: the month in progress counts to then
MAX_ROWS = 20_000  # far above a year of daily rows or a page's posts; a bigger file is not an export
# KPI rows Rally writes carry an ID (added after the KPIs tab's last header cell the first time), so a retried write counts once.
KPIS_WRITTEN = TabSpec(
    KPIS.name, (*KPIS.columns, Column("ID", False, (), "Filled in by Rally", "")), aliases=KPIS.aliases
)


class ImportProblem(Exception):
    """A file Rally can't use, said so a person knows what to do; nothing is written."""


@dataclass(frozen=True)
class KpiChange:
    month: str
    kpi: str
    actual: float
    previous: float | None  # the KPIs tab's Actual for that month, if any
    target: str  # kept from the KPIs tab's row (the imported row replaces that row as the one used)
    sheet_row: int | None  # the KPIs row it supersedes
    how: str  # how the figure was made, for the preview


@dataclass(frozen=True)
class PostChange:
    link: str  # the export's link
    post_row: int  # the Posts row it updates (0: logged in Rally, not read back yet)
    post: str  # who posted it and what, for the preview
    numbers: dict[str, float]  # metric -> imported value
    previous: dict[str, float | None]


@dataclass(frozen=True)
class Unmatched:
    where: str  # "All posts row 7", "GA4 row Organic Social"
    what: str
    reason: str


@dataclass(frozen=True)
class ImportPlan:
    source: str  # "LinkedIn content export"
    covers: str  # "1 Oct – 31 Oct 2026"
    kpis: tuple[KpiChange, ...] = ()
    posts: tuple[PostChange, ...] = ()
    unmatched: tuple[Unmatched, ...] = ()
    unchanged: int = 0  # rows whose numbers Rally already has
    fingerprint: str = field(default="", repr=False)  # the file's digest: the same file twice writes once

    @property
    def writes(self) -> int:
        return len(self.kpis) + len(self.posts)

    def kpi_cells(self) -> list[dict[str, str]]:
        """Rows for the KPIs tab (contract columns), each with an ID derived from the file and the month."""
        return [
            {
                "Month": c.month,
                "KPI": c.kpi,
                "Actual": _figure(c.actual),
                "Target": c.target,
                "ID": _row_id(self.fingerprint, "kpi", c.month, c.kpi),
            }
            for c in self.kpis
        ]

    def post_number_rows(self, today: date) -> list[dict[str, str]]:
        """Rows for the Post numbers tab, each with an ID derived from the file and the link."""
        return [
            {
                "ID": _row_id(self.fingerprint, "post", c.link),
                "Imported": today.isoformat(),
                "Source": self.source,
                "Link": c.link,
                **{
                    column: _figure(c.numbers[metric])
                    for column, metric in NUMBER_COLUMNS.items()
                    if metric in c.numbers
                },
            }
            for c in self.posts
        ]

    def preview(self) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
        """Three tables for a person: KPI months to write, post numbers to write, rows Rally can't use."""
        kpis = pd.DataFrame(
            [
                {
                    "Month": c.month,
                    "KPI": c.kpi,
                    "Will be": _figure(c.actual),
                    "Now": "—" if c.previous is None else _figure(c.previous),
                    "How": c.how,
                }
                for c in self.kpis
            ],
            columns=["Month", "KPI", "Will be", "Now", "How"],
        )
        posts = pd.DataFrame(
            [
                {
                    "Post": c.post,
                    "Posts row": c.post_row or "on its way",
                    **{
                        column: _change(c.previous.get(metric), c.numbers.get(metric))
                        for column, metric in NUMBER_COLUMNS.items()
                    },
                }
                for c in self.posts
            ],
            columns=["Post", "Posts row", *NUMBER_COLUMNS],
        )
        unmatched = pd.DataFrame(
            [{"Row": u.where, "What": u.what, "Why it is left out": u.reason} for u in self.unmatched],
            columns=["Row", "What", "Why it is left out"],
        )
        return kpis, posts, unmatched


def _figure(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.2f}"


def _change(before: float | None, after: float | None) -> str:
    if after is None:
        return "" if before is None else f"{before:,.0f} (kept)"
    if before is None:
        return f"{after:,.0f}"
    return f"{after:,.0f}" if before == after else f"{before:,.0f} → {after:,.0f}"


def _row_id(fingerprint: str, *parts: str) -> str:
    return "import-" + hashlib.blake2b("|".join([fingerprint, *parts]).encode(), digest_size=10).hexdigest()


# -- reading files -----------------------------------------------------------------------------------
def read_workbook(content: bytes, filename: str) -> dict[str, list[list]]:
    """Every sheet of an .xls or .xlsx file as rows of cells (python-calamine reads both)."""
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(content))
        return {name: book.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in book.sheet_names}
    except Exception as error:  # calamine raises its own errors for every kind of broken file
        raise ImportProblem(
            f"{filename} can't be opened as a spreadsheet ({type(error).__name__}). Upload the .xls or .xlsx file as LinkedIn exported it."
        ) from None


def _key(cell: object) -> str:
    return normalise_key(str(cell or ""))


def _header(rows: list[list], needed: set[str], sheet: str, filename: str) -> tuple[int, dict[str, int]]:
    """The header row (within the first 5) holding every `needed` column, and each column's position."""
    for index, row in enumerate(rows[:5]):
        columns = {}
        for position, cell in enumerate(row):
            columns.setdefault(_key(cell), position)
        if needed <= set(columns):
            return index, columns
    missing = ", ".join(sorted(needed))
    raise ImportProblem(
        f'The "{sheet}" sheet of {filename} has no header row with {missing} in its first rows: is it the export as LinkedIn made it?'
    )


def _number(cell: object) -> float | None:
    if cell is None or cell == "":
        return None
    if isinstance(cell, bool):
        return None
    if isinstance(cell, int | float):
        return None if math.isnan(cell) else float(cell)
    text = str(cell).strip().replace(",", "")
    if text.endswith("%"):
        return None
    try:
        return float(text)
    except ValueError:
        return None


def _day(cell: object) -> date | None:
    """A day as LinkedIn (MM/DD/YYYY or a real date) or GA4 (YYYYMMDD) writes it."""
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    text = str(cell or "").strip()
    for pattern in ("%m/%d/%Y", "%Y-%m-%d", "%Y%m%d"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


# -- what the file is ----------------------------------------------------------------------------------
LINKEDIN_CONTENT_SHEETS = ("All posts", "Update engagement")


def plan_import(filename: str, content: bytes, kpis: pd.DataFrame, posts: pd.DataFrame, today: date) -> ImportPlan:
    """Read an uploaded export and work out what it would write; raises ImportProblem for a file Rally can't use."""
    if not content:
        raise ImportProblem(f"{filename} is empty.")
    fingerprint = hashlib.blake2b(content, digest_size=12).hexdigest()
    name = filename.lower()
    if name.endswith(".csv"):
        plan = _ga4(filename, content, kpis, today)
    elif name.endswith((".xls", ".xlsx")):
        sheets = read_workbook(content, filename)
        by_key = {normalise_key(s): s for s in sheets}
        content_sheet = next(
            (by_key[normalise_key(s)] for s in LINKEDIN_CONTENT_SHEETS if normalise_key(s) in by_key), None
        )
        if content_sheet:
            plan = _linkedin_content(filename, content_sheet, sheets[content_sheet], posts)
        elif normalise_key("New followers") in by_key:
            plan = _linkedin_daily(
                filename, by_key[normalise_key("New followers")], sheets, kpis, today, followers=True
            )
        elif normalise_key("Visitor metrics") in by_key:
            plan = _linkedin_daily(
                filename, by_key[normalise_key("Visitor metrics")], sheets, kpis, today, followers=False
            )
        else:
            raise ImportProblem(
                f"{filename} has sheets {', '.join(sheets) or 'none'}: not a LinkedIn page export Rally knows "
                "(content with an All posts sheet, followers with New followers, visitors with Visitor metrics)."
            )
    else:
        raise ImportProblem(f"{filename}: Rally reads LinkedIn's .xls/.xlsx exports and Google Analytics' .csv export.")
    return ImportPlan(**{**plan.__dict__, "fingerprint": fingerprint})


# -- LinkedIn content: post numbers by link ----------------------------------------------------------
CONTENT_COLUMNS = {  # Rally's metric -> the export's column names, newest first
    "reach": ("Impressions",),
    "reactions": ("Likes", "Reactions"),
    "comments": ("Comments",),
    "shares": ("Reposts", "Shares"),
    "clicks": ("Clicks",),
}


def _linkedin_content(filename: str, sheet: str, rows: list[list], posts: pd.DataFrame) -> ImportPlan:
    link_names = ("Post link", "Update link")
    header_index, columns = None, {}
    for link_name in link_names:
        try:
            header_index, columns = _header(rows, {_key(link_name), _key("Impressions")}, sheet, filename)
            break
        except ImportProblem:
            continue
    if header_index is None:
        raise ImportProblem(
            f'The "{sheet}" sheet of {filename} has no Post link and Impressions columns in its first rows: is it LinkedIn\'s content export?'
        )
    if len(rows) > MAX_ROWS:
        raise ImportProblem(f"{filename} has {len(rows):,} rows: more than a page's export; nothing was read.")
    link_at = next(columns[_key(n)] for n in link_names if _key(n) in columns)
    title_at = next((columns[_key(n)] for n in ("Post title", "Update title") if _key(n) in columns), None)
    metric_at = {
        metric: next((columns[_key(n)] for n in names if _key(n) in columns), None)
        for metric, names in CONTENT_COLUMNS.items()
    }
    by_key = {}
    for post in posts.sort_values("row", kind="stable").itertuples():
        key = link_key(post.link)
        if key and key not in by_key:
            by_key[key] = post
    changes, unmatched, unchanged = [], [], 0
    for number, row in enumerate(rows[header_index + 1 :], start=header_index + 2):
        cells = list(row) + [""] * (len(rows[header_index]) - len(row))
        if not any(str(c).strip() for c in cells if c is not None):
            continue
        link = str(cells[link_at] or "").strip()
        title = truncate(str(cells[title_at] or "").strip(), 60) if title_at is not None else ""
        where = f"{sheet} row {number}"
        if not link.startswith(("https://", "http://")):
            unmatched.append(Unmatched(where, title or link, "no link to the post in this row"))
            continue
        post = by_key.get(link_key(link))
        if post is None:
            unmatched.append(
                Unmatched(where, title or link, "no post in the Posts tab has this link (log it, then import again)")
            )
            continue
        numbers = {m: v for m, at in metric_at.items() if at is not None and (v := _number(cells[at])) is not None}
        if not numbers:
            unmatched.append(Unmatched(where, title or link, "no numbers in this row"))
            continue
        previous = {
            m: (None if pd.isna(getattr(post, m)) else float(getattr(post, m))) for m in NUMBER_COLUMNS.values()
        }
        if all(previous[m] == v for m, v in numbers.items()):
            unchanged += 1
            continue
        summary = truncate(post.summary or post.link, 50)
        changes.append(PostChange(link, int(post.row), f"{post.name}: {summary}", numbers, previous))
    return ImportPlan(
        "LinkedIn content export",
        f"{len(rows) - header_index - 1} rows",
        posts=tuple(changes),
        unmatched=tuple(unmatched),
        unchanged=unchanged,
    )


# -- monthly KPIs ------------------------------------------------------------------------------------
def _month(day: date) -> str:
    return f"{day:%Y-%m}"


def _month_end(month: str) -> date:
    year, number = int(month[:4]), int(month[5:7])
    return date(year, number, calendar.monthrange(year, number)[1])


def _previous_month(month: str) -> str:
    year, number = int(month[:4]), int(month[5:7])
    return f"{year - 1}-12" if number == 1 else f"{year}-{number - 1:02d}"


def _existing(kpis: pd.DataFrame, month: str, kpi: str) -> tuple[float | None, str, int | None]:
    """(Actual, Target as typed, KPIs row) of a month's KPI, matched loosely by name."""
    rows = kpis[(kpis["month"] == month) & (kpis["kpi"].map(normalise_key) == normalise_key(kpi))]
    if rows.empty:
        return None, "", None
    last = rows.iloc[-1]
    actual = None if pd.isna(last["actual"]) else float(last["actual"])
    target = "" if pd.isna(last["target"]) else _figure(float(last["target"]))
    return actual, target, int(last["row"])


def _kpi_name(kpis: pd.DataFrame, kpi: str) -> str:
    """The KPIs tab's own spelling of a KPI when it has one."""
    names = [n for n in kpis["kpi"].unique() if normalise_key(n) == normalise_key(kpi)]
    return names[0] if names else kpi


def _coverage(days: list[date], month: str, today: date) -> str | None:
    """None when the days cover the month (to its end, or to yesterday for the month in progress), else why not."""
    first, last = min(days), max(days)
    start, end = date(int(month[:4]), int(month[5:7]), 1), _month_end(month)
    if first > start:
        return f"the file starts on {first:%-d %b %Y}: the month's figure would be short — export from the 1st"
    in_progress = month == _month(today) and last >= today - timedelta(days=EXPORT_LAG_DAYS)
    if last < end and not in_progress:
        return f"the file ends on {last:%-d %b %Y}: the month's figure would be short — export to the month's end"
    return None


def _kpi_change(kpis: pd.DataFrame, month: str, kpi: str, value: float, how: str) -> KpiChange | None:
    previous, target, row = _existing(kpis, month, kpi)
    if previous == value:
        return None
    return KpiChange(month, _kpi_name(kpis, kpi), value, previous, target, row, how)


def _linkedin_daily(
    filename: str, sheet: str, sheets: dict[str, list[list]], kpis: pd.DataFrame, today: date, followers: bool
) -> ImportPlan:
    rows = sheets[sheet]
    column = "Total followers" if followers else "Total page views (total)"
    header_index, columns = _header(rows, {_key("Date"), _key(column)}, sheet, filename)
    if len(rows) > MAX_ROWS:
        raise ImportProblem(f"{filename} has {len(rows):,} rows: more than a page's export; nothing was read.")
    by_month: dict[str, list[tuple[date, float]]] = {}
    unmatched = []
    for number, row in enumerate(rows[header_index + 1 :], start=header_index + 2):
        cells = list(row) + [""] * (max(columns.values()) + 1 - len(row))
        if not any(str(c).strip() for c in cells if c is not None):
            continue
        day, value = _day(cells[columns[_key("Date")]]), _number(cells[columns[_key(column)]])
        if day is None or value is None:
            unmatched.append(
                Unmatched(f"{sheet} row {number}", str(cells[columns[_key("Date")]]), f"no date or no {column}")
            )
            continue
        by_month.setdefault(_month(day), []).append((day, value))
    if not by_month:
        raise ImportProblem(f'The "{sheet}" sheet of {filename} has no dated rows.')
    kpi = FOLLOWERS if followers else PAGE_VIEWS
    changes, unchanged, level = [], 0, None
    for month in sorted(by_month):
        days = [d for d, _ in by_month[month]]
        total = sum(v for _, v in by_month[month])
        short = _coverage(days, month, today)
        if short:
            unmatched.append(Unmatched(f"{sheet} {month}", f"{kpi} {month}", short))
            level = None
            continue
        if followers:
            before = level if level is not None else _existing(kpis, _previous_month(month), kpi)[0]
            if before is None:
                unmatched.append(
                    Unmatched(
                        f"{sheet} {month}",
                        f"{kpi} {month}",
                        f"{total:,.0f} new followers, but the KPIs tab has no {kpi} for {_previous_month(month)} to add them to "
                        "(LinkedIn's export has new followers a day, not the total): type that month's count, then import again",
                    )
                )
                continue
            level = before + total
            how = f"{before:,.0f} at the end of {_previous_month(month)} + {total:,.0f} new"
            value = level
        else:
            value, how = total, f"page views on {len(days)} days"
        change = _kpi_change(kpis, month, kpi, value, how)
        if change is None:
            unchanged += 1
        else:
            changes.append(change)
    every = [d for values in by_month.values() for d, _ in values]
    source = "LinkedIn followers export" if followers else "LinkedIn visitors export"
    covers = f"{min(every):%-d %b %Y} – {max(every):%-d %b %Y}"
    return ImportPlan(source, covers, kpis=tuple(changes), unmatched=tuple(unmatched), unchanged=unchanged)


# -- Google Analytics 4 ------------------------------------------------------------------------------
_PREAMBLE_DATE = re.compile(r"^#\s*(start|end) date\s*:\s*(\d{8})\s*$", re.IGNORECASE)


def _ga4(filename: str, content: bytes, kpis: pd.DataFrame, today: date) -> ImportPlan:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportProblem(f"{filename} isn't a text CSV file: download the report again as CSV.") from None
    lines = text.splitlines()
    preamble = [line for line in lines if line.startswith("#")]
    dates = {}
    for line in preamble:
        match = _PREAMBLE_DATE.match(line.strip())
        if match:
            dates[match[1].lower()] = _day(match[2])
    body_start = next((i for i, line in enumerate(lines) if line.strip() and not line.startswith("#")), None)
    if body_start is None:
        raise ImportProblem(f"{filename} has no table: download the Traffic acquisition report as CSV.")
    table_lines = []
    for line in lines[body_start:]:
        if not line.strip() or line.startswith("#"):
            break  # GA4 puts further tables (a chart's series) after a blank line
        table_lines.append(line)
    rows = list(csv.reader(table_lines))
    header = [_key(c) for c in rows[0]]
    if _key("Sessions") not in header:
        raise ImportProblem(
            f"{filename} has no Sessions column: export GA4's Reports → Acquisition → Traffic acquisition as CSV."
        )
    channel_at = next((i for i, h in enumerate(header) if "channelgroup" in h), None)
    if channel_at is None:
        raise ImportProblem(
            f"{filename} has no channel group column (like Session primary channel group): export the Traffic acquisition report."
        )
    sessions_at = header.index(_key("Sessions"))
    month_at = next((i for i, h in enumerate(header) if h in ("yearmonth", "date")), None)
    if len(rows) > MAX_ROWS:
        raise ImportProblem(f"{filename} has {len(rows):,} rows: more than a report; nothing was read.")
    by_month: dict[str, float] = {}
    days: dict[str, list[date]] = {}
    unmatched, seen_social = [], False
    for number, row in enumerate(rows[1:], start=2):
        row = row + [""] * (len(header) - len(row))
        channel = row[channel_at].strip()
        if normalise_key(channel) != normalise_key(SOCIAL_CHANNEL):
            continue
        seen_social = True
        sessions = _number(row[sessions_at])
        if month_at is not None:
            cell = row[month_at].strip()
            day = _day(cell + "01") if len(cell) == 6 else _day(cell)
            if day is None:
                unmatched.append(Unmatched(f"table row {number}", channel, f"{cell!r} is not a month or a day"))
                continue
            month = _month(day)
            if len(cell) == 8:
                days.setdefault(month, []).append(day)
        else:
            if not dates.get("start") or not dates.get("end"):
                raise ImportProblem(
                    f"{filename} doesn't say which dates it covers (no '# Start date' line): download the report as CSV from GA4."
                )
            if _month(dates["start"]) != _month(dates["end"]):
                raise ImportProblem(
                    f"{filename} covers {dates['start']:%-d %b %Y} to {dates['end']:%-d %b %Y}: Rally needs one month a file "
                    "(set the date range to a calendar month), or add the Year month dimension to the report."
                )
            month = _month(dates["start"])
            days[month] = [dates["start"], dates["end"]]
        if sessions is None:
            unmatched.append(Unmatched(f"table row {number}", channel, "no Sessions number"))
            continue
        by_month[month] = by_month.get(month, 0.0) + sessions
    if not seen_social:
        unmatched.append(
            Unmatched(
                "table",
                SOCIAL_CHANNEL,
                f"no {SOCIAL_CHANNEL} row: the report has no sessions from social media for these dates",
            )
        )
    changes, unchanged = [], 0
    for month in sorted(by_month):
        short = _coverage(days[month], month, today) if month in days else None
        if short:
            unmatched.append(Unmatched(f"{SOCIAL_CHANNEL} {month}", f"{WEB_TRAFFIC} {month}", short))
            continue
        change = _kpi_change(kpis, month, WEB_TRAFFIC, by_month[month], f"{SOCIAL_CHANNEL} sessions")
        if change is None:
            unchanged += 1
        else:
            changes.append(change)
    start, end = dates.get("start"), dates.get("end")
    covers = f"{start:%-d %b %Y} – {end:%-d %b %Y}" if start and end else ", ".join(sorted(by_month))
    return ImportPlan(
        "Google Analytics traffic acquisition",
        covers,
        kpis=tuple(changes),
        unmatched=tuple(unmatched),
        unchanged=unchanged,
    )


__all__ = [
    "FOLLOWERS",
    "KPIS_WRITTEN",
    "PAGE_VIEWS",
    "POST_NUMBERS",
    "WEB_TRAFFIC",
    "ImportPlan",
    "ImportProblem",
    "plan_import",
]
