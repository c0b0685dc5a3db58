"""From raw tabs (lists of strings, as the Sheets API returns them) to typed frames and data issues.

`build_dataset` is the one entry point: every page and command works on its result.
Nothing is dropped silently: every row left out of a figure, and every value that
could not be read, becomes a DataIssue with the row number Google Sheets shows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from rally.core import contract
from rally.core.activity import typed_computed_issues
from rally.core.contract import TabSpec, find_tab, normalise_key, read_table
from rally.core.issues import DataIssue, issues_from_mask
from rally.core.months import parse_months
from rally.core.parsing import (
    canonical_platform,
    clean_name,
    iso_week_label,
    link_identities,
    link_identity,
    map_text,
    parse_date,
    parse_dates,
    parse_numbers,
    web_links,
    week_start,
)
from rally.core.post_numbers import apply_post_numbers
from rally.core.records import QueuedRow, queued_frame
from rally.core.settings import Settings, parse_settings

METRICS = ["reach", "reactions", "comments", "shares", "clicks"]
ENGAGEMENT_PARTS = ["reactions", "comments", "shares", "clicks"]
NO_TEAM = "No team"
NOTE_KINDS = ("Highlight", "Improve", "Hero", "Kudos")

POSTS_COLUMNS = {
    "row": "int64",
    "date": "datetime64[ns]",
    "week": "str",
    "person": "str",
    "name": "str",
    "team": "str",
    "platform": "str",
    "link": "str",
    "summary": "str",
    **{m: "float64" for m in METRICS},
    "engagements": "float64",
    "pending": "bool",  # logged in Rally, still on its way to the Sheet (row is 0)
}
STAFF_COLUMNS = {
    "row": "int64",
    "person": "str",
    "name": "str",
    "team": "str",
    "role": "str",
    "anonymous": "bool",
    "trained": "object",
    "joined": "datetime64[ns]",
}
KPI_COLUMNS = {"row": "int64", "month": "str", "kpi": "str", "actual": "float64", "target": "float64"}
NOTES_COLUMNS = {"row": "int64", "week": "str", "kind": "str", "person": "str", "text": "str"}


@dataclass
class TabSummary:
    title: str | None  # the tab's title in the Sheet, None when missing
    rows: int  # non-blank data rows
    valid: int  # rows that count in figures


@dataclass
class Dataset:
    posts: pd.DataFrame
    staff: pd.DataFrame
    kpis: pd.DataFrame
    notes: pd.DataFrame
    settings: Settings
    issues: list[DataIssue]
    tabs: dict[str, TabSummary]
    raw: dict[str, list[list[str]]] = field(default_factory=dict, repr=False)

    def display_names(self) -> dict[str, str]:
        """person key -> how the name is shown (Staff spelling, else the most frequent one)."""
        names = dict(zip(self.posts["person"], self.posts["name"]))
        names.update(zip(self.staff["person"], self.staff["name"]))
        return names


def empty_frame(columns: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series([], dtype=dtype) for name, dtype in columns.items()})


def build_dataset(
    tabs: dict[str, list[list]], locale: str | None = None, queued: Mapping[str, Sequence[QueuedRow]] | None = None
) -> Dataset:
    """Parse and validate every tab Rally knows; unknown tabs are left for features that read them.

    `queued` holds rows this server wrote that the read may not show yet, by tab
    ("Posts": posts logged in Rally): they join the tab's rows, each ID and each link
    once, so a logged post counts at once instead of after the next read.
    """
    issues: list[DataIssue] = []
    summaries: dict[str, TabSummary] = {}

    def table(spec: TabSpec) -> pd.DataFrame | None:
        title = find_tab(tabs, spec)
        if title is None:
            if spec.required_tab:
                issues.append(
                    DataIssue(
                        spec.name, 0, "", "", f"the {spec.name} tab is missing — add it (python cli.py init-sheet)"
                    )
                )
            summaries[spec.name] = TabSummary(None, 0, 0)
            return None
        result = read_table(tabs[title], spec)
        issues.extend(result.issues)
        summaries[spec.name] = TabSummary(title, len(result.frame), len(result.frame))
        return result.frame if result.header_row else None

    settings_table = table(contract.SETTINGS)
    settings, setting_issues = parse_settings(settings_table) if settings_table is not None else (Settings(), [])
    issues.extend(setting_issues)
    day_first = settings.day_first(locale)

    staff_table = table(contract.STAFF)
    staff = _staff(staff_table, day_first, issues) if staff_table is not None else empty_frame(STAFF_COLUMNS)

    posts_table = table(contract.POSTS)
    queued_posts = (queued or {}).get(contract.POSTS.name, ())
    if posts_table is None and queued_posts:
        posts_table = read_table([contract.POSTS.header], contract.POSTS).frame
    if posts_table is not None:
        posts_table = _with_queued(posts_table, queued_posts, issues)
    posts = _posts(posts_table, staff, day_first, issues) if posts_table is not None else empty_frame(POSTS_COLUMNS)
    posts = apply_post_numbers(posts, tabs)  # numbers imported from a platform's export, by link
    summaries["Posts"].valid = len(posts)

    kpi_table = table(contract.KPIS)
    kpis = _kpis(kpi_table, day_first, issues) if kpi_table is not None else empty_frame(KPI_COLUMNS)
    # Number of posts and Reach of posts are counted from Posts: a typed actual is reported (the count wins).
    issues += typed_computed_issues(kpis, posts)
    summaries["KPIs"].valid = len(kpis)

    notes_table = table(contract.NOTES)
    notes = _notes(notes_table, day_first, issues) if notes_table is not None else empty_frame(NOTES_COLUMNS)
    summaries["Notes"].valid = len(notes)
    summaries["Staff"].valid = len(staff)

    return Dataset(posts, staff, kpis, notes, settings, issues, summaries, dict(tabs))


def _staff(table: pd.DataFrame, day_first: bool, issues: list[DataIssue]) -> pd.DataFrame:
    names = map_text(table["Name"], clean_name)
    person = names.str.casefold()
    no_name = names == ""
    issues += issues_from_mask("Staff", table["row"], "Name", names, no_name, "no name — left out of every figure")
    repeated = person.duplicated(keep="first") & ~no_name
    issues += [
        DataIssue("Staff", int(r), "Name", n, "listed twice — the first row is used")
        for r, n in zip(table["row"][repeated], names[repeated])
    ]
    mode = table["Leaderboard"].str.strip().str.casefold()
    odd = ~mode.isin(["", "show", "anonymous"])
    issues += issues_from_mask(
        "Staff", table["row"], "Leaderboard", table["Leaderboard"], odd, "expected show or anonymous — shown by name"
    )
    joined = parse_dates(table["Joined"], day_first)
    bad_joined = joined.isna() & (table["Joined"] != "")
    issues += issues_from_mask("Staff", table["row"], "Joined", table["Joined"], bad_joined, "not a date")
    frame = pd.DataFrame(
        {
            "row": table["row"],
            "person": person,
            "name": names,
            "team": map_text(table["Team"], clean_name).replace("", NO_TEAM),
            "role": table["Role"],
            "anonymous": mode == "anonymous",
            "trained": table["Trained"].map(lambda text: tuple(m.strip() for m in text.split(",") if m.strip())),
            "joined": joined,
        }
    )
    return frame[~repeated & ~no_name].reset_index(drop=True).astype(STAFF_COLUMNS)


def _with_queued(table: pd.DataFrame, queued: Sequence[QueuedRow], issues: list[DataIssue]) -> pd.DataFrame:
    """The Posts rows, each ID once (a retried write that landed twice is reported), then queued posts not yet read.

    A queued post is left out when its ID or its link is already in the Sheet: it has
    landed (the link check also covers a Sheet without an ID column).
    """
    table = table.assign(pending=False)
    has_id = table["ID"] != ""
    first_row = table["row"][has_id].groupby(table["ID"][has_id]).transform("min")
    twice = pd.Series(False, index=table.index)
    twice[has_id] = table["row"][has_id] != first_row
    issues += [
        DataIssue(
            "Posts",
            int(r),
            "ID",
            i,
            f"same ID as row {int(f)}: Rally wrote this post twice — counted once, this row may be deleted",
        )
        for r, i, f in zip(table["row"][twice], table["ID"][twice], first_row.reindex(table.index)[twice])
    ]
    table = table[~twice]
    extra = queued_frame(contract.POSTS, queued)
    if extra.empty:
        return table.reset_index(drop=True)
    seen_ids = set(table["ID"]) - {""}
    seen_links = {link_identity(link) for link in table["Link"] if link}
    keep = []
    for row_id, link in zip(extra["ID"], extra["Link"]):
        key = link_identity(link) if link else None
        fresh = row_id not in seen_ids and (key is None or key not in seen_links)
        keep.append(fresh)
        seen_ids.add(row_id)
        if key:
            seen_links.add(key)
    return pd.concat([table, extra[keep][table.columns]], ignore_index=True)


def _posts(table: pd.DataFrame, staff: pd.DataFrame, day_first: bool, issues: list[DataIssue]) -> pd.DataFrame:
    rows = table["row"]
    names = map_text(table["Name"], clean_name)
    dates = parse_dates(table["Date"], day_first)

    no_name = names == ""
    no_date = dates.isna()
    issues += issues_from_mask("Posts", rows, "Name", names, no_name, "no name — left out of every figure")
    issues += issues_from_mask(
        "Posts",
        rows,
        "Date",
        table["Date"],
        no_date & (table["Date"] == "") & ~no_name,
        "no date — left out of every figure",
    )
    issues += issues_from_mask(
        "Posts",
        rows,
        "Date",
        table["Date"],
        no_date & (table["Date"] != ""),
        "not a date Rally can read (try 2026-11-16) — left out of every figure",
    )
    usable = ~no_name & ~no_date

    platform = map_text(table["Platform"], canonical_platform)
    issues += issues_from_mask(
        "Posts", rows, "Platform", table["Platform"], usable & (platform == ""), "no platform — counted as Unspecified"
    )
    platform = platform.replace("", "Unspecified")

    metrics = {}
    for metric in METRICS:
        column = metric.capitalize()
        values, problems = parse_numbers(table[column])
        metrics[metric] = values
        bad = usable & (problems != "")
        issues += [
            DataIssue("Posts", int(r), column, v, f"{p} — left blank; the post still counts")
            for r, v, p in zip(rows[bad], table[column][bad], problems[bad])
        ]

    link = table["Link"]
    not_web = usable & (link != "") & ~web_links(link)
    issues += issues_from_mask("Posts", rows, "Link", link, not_web, "not an http(s) link — shown as text")

    link_key = link_identities(link)
    has_link = usable & (link != "")
    # Rows come in Sheet order, so a link's first row is its first occurrence.
    repeat = has_link & link_key.where(has_link).duplicated(keep="first")
    first_rows = pd.Series(rows[has_link & ~repeat].to_numpy(), index=link_key[has_link & ~repeat])
    issues += [
        DataIssue("Posts", int(r), "Link", v, f"same link as row {int(f)} — counted once")
        for r, v, f in zip(rows[repeat], link[repeat], link_key[repeat].map(first_rows))
    ]
    keep = usable & ~repeat

    person = names.str.casefold()
    frame = pd.DataFrame(
        {
            "row": rows,
            "date": dates,
            "week": "",
            "person": person,
            "name": names,
            "team": map_text(table["Team"], clean_name),
            "platform": platform,
            "link": link,
            "summary": table["Summary"],
            **metrics,
            "pending": table["pending"] if "pending" in table else False,
        }
    )[keep].reset_index(drop=True)

    frame["engagements"] = frame[ENGAGEMENT_PARTS].fillna(0).sum(axis=1)
    iso = frame["date"].dt.isocalendar()
    frame["week"] = iso["year"].astype("str") + "-W" + iso["week"].astype("str").str.zfill(2)
    frame["name"] = _display_names(frame, staff)
    # A Staff row with no team says nothing about the team: the post's own Team column decides.
    staff_team = staff.loc[staff["team"] != NO_TEAM].set_index("person")["team"]
    on_staff = frame["person"].map(staff_team)
    frame["team"] = on_staff.where(on_staff.notna(), frame["team"].replace("", NO_TEAM))
    return frame[list(POSTS_COLUMNS)].astype(POSTS_COLUMNS)


def _display_names(posts: pd.DataFrame, staff: pd.DataFrame) -> pd.Series:
    """The Staff tab's spelling, else the spelling a person used most often."""
    if posts.empty:
        return posts["name"]
    counts = posts.groupby(["person", "name"], sort=False).size().reset_index(name="n")
    counts = counts.sort_values(["person", "n"], ascending=[True, False], kind="stable")
    usual = dict(zip(counts.drop_duplicates("person")["person"], counts.drop_duplicates("person")["name"]))
    usual.update(zip(staff["person"], staff["name"]))
    return posts["person"].map(usual)


def _kpis(table: pd.DataFrame, day_first: bool, issues: list[DataIssue]) -> pd.DataFrame:
    months = parse_months(table["Month"], day_first)
    rows = table["row"]
    bad_month = months == ""
    issues += issues_from_mask(
        "KPIs", rows, "Month", table["Month"], bad_month, "not a month Rally can read (try 2026-10) — row left out"
    )
    kpi = table["KPI"].map(clean_name)
    issues += issues_from_mask("KPIs", rows, "KPI", kpi, ~bad_month & (kpi == ""), "no KPI name — row left out")
    keep = ~bad_month & (kpi != "")
    values = {}
    for column in ("Actual", "Target"):
        numbers, problems = parse_numbers(table[column])
        values[column.lower()] = numbers
        bad = keep & (problems != "")
        issues += [
            DataIssue("KPIs", int(r), column, v, f"{p} — left blank")
            for r, v, p in zip(rows[bad], table[column][bad], problems[bad])
        ]
    frame = pd.DataFrame({"row": rows, "month": months, "kpi": kpi, **values})[keep]
    repeated = frame.duplicated(["month", "kpi"], keep="last")
    issues += [
        DataIssue("KPIs", int(r), "KPI", k, f"{m} {k} appears again further down — the last row is used")
        for r, k, m in zip(frame["row"][repeated], frame["kpi"][repeated], frame["month"][repeated])
    ]
    return frame[~repeated].reset_index(drop=True).astype(KPI_COLUMNS)


def _notes(table: pd.DataFrame, day_first: bool, issues: list[DataIssue]) -> pd.DataFrame:
    kinds = {normalise_key(k): k for k in NOTE_KINDS}
    kind = table["Kind"].map(lambda k: kinds.get(normalise_key(k), ""))
    rows = table["row"]
    issues += issues_from_mask(
        "Notes",
        rows,
        "Kind",
        table["Kind"],
        kind == "",
        f"expected one of {', '.join(NOTE_KINDS)} — treated as Highlight",
    )
    kind = kind.replace("", "Highlight")
    week = table["Week"].map(lambda text: _week_label(text, day_first))
    issues += issues_from_mask(
        "Notes", rows, "Week", table["Week"], week == "", "not a week (try 2026-W47 or a date) — note not shown"
    )
    frame = pd.DataFrame(
        {"row": rows, "week": week, "kind": kind, "person": table["Person"].map(clean_name), "text": table["Text"]}
    )
    return frame[week != ""].reset_index(drop=True).astype(NOTES_COLUMNS)


def _week_label(text: str, day_first: bool) -> str:
    try:
        return iso_week_label(week_start(text))
    except ValueError:
        parsed = parse_date(text, day_first)
        return iso_week_label(parsed) if parsed else ""
