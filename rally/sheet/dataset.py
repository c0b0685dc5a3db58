"""From raw tabs (lists of strings, as the Sheets API returns them) to one typed dataset of the whole Sheet.

`build_dataset` is the one entry point: every page, the command line, the digest and the report
work on its result, never on the raw tabs. Every tab Rally reads or writes is parsed here, once,
under one date order, number notation and time zone (the `Calendar`), with the rows this server
has queued for it. Nothing is dropped silently: every row left out of a figure, and every value
that could not be read, becomes a DataIssue with the row number Google Sheets shows.

It is built in two halves so a live refresh re-reads only what changed: `read_sheet` (the tabs
people keep: Settings, Staff, Posts, KPIs, Notes, Kudos, Training, Survey Questions) and
`read_live` (the tabs the room fills during a meeting: Votes, Survey, Survey Rounds, Moderation,
Ideas); `combine` puts them together.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pandas as pd

from rally.core import contract
from rally.core.activity import typed_computed_issues
from rally.core.contract import KUDOS, TRAINING, VOTES, TabSpec, find_tab, normalise_key, read_table
from rally.core.issues import DataIssue, issues_from_mask
from rally.core.months import parse_months
from rally.core.parsing import (
    NOT_A_DATE,
    DateWindow,
    NumberFormat,
    activity_window,
    canonical_platform,
    clean_name,
    iso_week_label,
    link_identities,
    link_identity,
    map_text,
    name_key,
    number_format,
    parse_date,
    parse_dates,
    parse_numbers,
    people_window,
    read_dates,
    web_links,
    week_start,
)
from rally.core.post_numbers import apply_post_numbers
from rally.core.records import (
    PENDING_ROW,
    QueuedRow,
    WritePlan,
    queued_frame,
    read_records,
    repeated_ids,
    write_plan_under,
)
from rally.core.settings import Settings, is_time_zone, parse_settings
from rally.survey.answers import Answers, Rounds, previous_round, read_answers, read_rounds, response_count
from rally.survey.ideas import read_ideas
from rally.survey.moderation import hidden_ids
from rally.survey.questions import QuestionSet, parse_questions

METRICS = ["reach", "reactions", "comments", "shares", "clicks"]
ENGAGEMENT_PARTS = ["reactions", "comments", "shares", "clicks"]
NO_TEAM = "No team"
NOTE_KINDS = ("Highlight", "Improve", "Hero", "Kudos")
# New Sheets made by the API or most accounts say Etc/GMT; a Sheet that says nothing counts days in UTC.
DEFAULT_TIME_ZONE = "UTC"
KUDOS_COLUMNS = {
    "row": "int64",
    "id": "str",
    "date": "datetime64[ns]",
    "week": "str",
    "to_person": "str",  # casefolded key, as posts["person"]
    "to": "str",  # display name (the Staff tab's spelling when known)
    "sender": "str",  # "" when anonymous
    "message": "str",
    "pending": "bool",
}
VOTE_COLUMNS = {"row": "int64", **dict.fromkeys(contract.VOTES.header, "str"), "pending": "bool"}
TRAINING_COLUMNS = {"person": "str", "name": "str", "module": "str", "date": "datetime64[ns]", "source": "str"}
IDEA_COLUMNS = {"id": "str", "day": "str", "text": "str", "hidden": "bool", "pending": "bool"}

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
    header_row: int | None = None  # 1-based, as Google Sheets numbers rows
    header: tuple[str, ...] = ()  # the header row's cells as typed (trailing blanks trimmed)
    missing: tuple[str, ...] = ()  # required columns no header row has (then the tab can't be read or written)


@dataclass(frozen=True)
class Calendar:
    """How this Sheet's dates are read and its days counted: date order, number notation, time zone."""

    day_first: bool = True
    locale: str | None = None
    time_zone: str = DEFAULT_TIME_ZONE

    @property
    def numbers(self) -> NumberFormat:
        """The Sheet's decimal and grouping marks (its locale's), for numbers typed as text."""
        return number_format(self.locale)

    def today(self, now: datetime) -> date:
        """The company's date at the moment `now` (an aware datetime): its day starts at its own midnight."""
        return now.astimezone(ZoneInfo(self.time_zone)).date()

    def day_of(self, moment: datetime) -> date:
        """The company's date of a timestamp (a vote's UTC time, say)."""
        return moment.astimezone(ZoneInfo(self.time_zone)).date()


@dataclass(frozen=True)
class SurveyData:
    """The survey as the Sheet and this server's queued rows hold it: questions, rounds, answers, moderation, ideas."""

    questions: QuestionSet
    rounds: Rounds
    answers: Answers
    hidden: frozenset[str] = frozenset()
    next_moderation_seq: int = 1
    ideas: pd.DataFrame = field(default_factory=lambda: empty_frame(IDEA_COLUMNS))

    @property
    def current(self) -> str:
        return self.rounds.current

    @property
    def previous(self) -> str | None:
        return previous_round(self.rounds, self.answers.frame)

    def count(self, round_name: str | None = None) -> int:
        return response_count(self.answers.frame, round_name or self.current)

    @property
    def revealed(self) -> bool:
        return self.rounds.is_revealed(self.current)


@dataclass
class SheetParts:
    """The tabs people keep, typed (see `read_sheet`)."""

    posts: pd.DataFrame
    staff: pd.DataFrame
    kpis: pd.DataFrame
    notes: pd.DataFrame
    kudos: pd.DataFrame
    training: pd.DataFrame
    questions: QuestionSet
    settings: Settings
    calendar: Calendar
    issues: list[DataIssue]
    tabs: dict[str, TabSummary]
    meetings: pd.DataFrame  # the Meetings tab's rows (rally.weekly.record reads them)
    follow_ups: pd.DataFrame  # the Follow-ups tab's rows


@dataclass
class LiveParts:
    """The tabs the room fills during a meeting, typed (see `read_live`)."""

    votes: pd.DataFrame
    survey: SurveyData
    issues: list[DataIssue]
    tabs: dict[str, TabSummary]


@dataclass
class Dataset:
    """Every tab of the Sheet, typed, with every issue found reading it. Shared: treat it as read-only."""

    posts: pd.DataFrame
    staff: pd.DataFrame
    kpis: pd.DataFrame
    notes: pd.DataFrame
    settings: Settings
    issues: list[DataIssue]
    tabs: dict[str, TabSummary]
    kudos: pd.DataFrame = field(default_factory=lambda: empty_frame(KUDOS_COLUMNS))
    votes: pd.DataFrame = field(default_factory=lambda: empty_frame(VOTE_COLUMNS))
    training: pd.DataFrame = field(default_factory=lambda: empty_frame(TRAINING_COLUMNS))
    meetings: pd.DataFrame = field(default_factory=lambda: empty_frame(record_columns(contract.MEETINGS)))
    follow_ups: pd.DataFrame = field(default_factory=lambda: empty_frame(record_columns(contract.FOLLOW_UPS)))
    survey: SurveyData | None = None
    calendar: Calendar = field(default_factory=Calendar)

    def display_names(self) -> dict[str, str]:
        """person key -> how the name is shown (Staff spelling, else the most frequent one)."""
        names = dict(zip(self.posts["person"], self.posts["name"]))
        names.update(zip(self.staff["person"], self.staff["name"]))
        return names

    def write_plan(self, spec: TabSpec, cells: Mapping[str, str]) -> WritePlan:
        """Where a new row for `spec`'s tab goes: under the header the last read found (TabUnusable when it has none)."""
        tab = self.tabs.get(spec.name) or TabSummary(None, 0, 0)
        return write_plan_under(spec, cells, tab.title, tab.header_row, tab.header, tab.missing)

    def teams(self) -> list[str]:
        """The Staff tab's teams, largest first (the survey's Team question offers them)."""
        teams = self.staff.loc[self.staff["team"] != NO_TEAM, "team"]
        counts = teams.value_counts()
        return sorted(counts.index, key=lambda team: (-counts[team], team))


def empty_frame(columns: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series([], dtype=dtype) for name, dtype in columns.items()})


Queued = Mapping[str, Sequence[QueuedRow]]


def record_columns(spec: TabSpec) -> dict[str, str]:
    """The columns `read_records` gives a tab Rally writes: its row number, its contract columns, pending."""
    return {"row": "int64", **dict.fromkeys(spec.header, "str"), "pending": "bool"}


def sheet_time_zone(tabs: Mapping[str, list[list]], sheet_zone: str | None) -> str:
    """The `Time zone` setting when the Settings tab has a valid one, else the Sheet's own, else UTC.

    Cheap (the Settings tab alone), so a server can tell the company's date before parsing the rest.
    """
    title = find_tab(tabs, contract.SETTINGS)
    if title is not None:
        table = read_table(tabs[title], contract.SETTINGS)
        if table.header_row:
            settings, _ = parse_settings(table.frame)
            if settings.time_zone:
                return settings.time_zone
    return sheet_zone if sheet_zone and is_time_zone(sheet_zone) else DEFAULT_TIME_ZONE


def build_dataset(
    tabs: Mapping[str, list[list]],
    locale: str | None = None,
    queued: Queued | None = None,
    *,
    today: date | None = None,
    time_zone: str | None = None,
) -> Dataset:
    """Every tab Rally reads or writes, typed, with the rows this server queued for each (by contract tab name).

    `today` (the company's date) bounds the dates Rally accepts (see rally.core.parsing) and names the survey
    round in force when no facilitator started one; `time_zone` is the Sheet's own (`properties.timeZone`),
    which the `Time zone` setting overrides.
    """
    sheet = read_sheet(tabs, locale, queued, today=today, time_zone=time_zone)
    return combine(sheet, read_live(tabs, queued, sheet, today=today))


def read_sheet(
    tabs: Mapping[str, list[list]],
    locale: str | None = None,
    queued: Queued | None = None,
    *,
    today: date | None = None,
    time_zone: str | None = None,
) -> SheetParts:
    """The tabs people keep: Settings, Staff, Posts (with posts logged here), KPIs, Notes, Kudos, Training, Survey Questions."""
    queued = queued or {}
    reader = _Reader(tabs)
    settings_table = reader.table(contract.SETTINGS)
    settings, setting_issues = parse_settings(settings_table) if settings_table is not None else (Settings(), [])
    reader.issues.extend(setting_issues)
    zone = settings.time_zone or (time_zone if time_zone and is_time_zone(time_zone) else DEFAULT_TIME_ZONE)
    calendar = Calendar(settings.day_first(locale), locale, zone)
    day_first = calendar.day_first
    numbers = calendar.numbers
    # A post, a vote, an answer, a kudos from 2000 on; a Joined or training date from 1950 on; none after next year.
    activity, people = activity_window(today), people_window(today)
    issues = reader.issues

    staff_table = reader.table(contract.STAFF)
    staff = _staff(staff_table, day_first, people, issues) if staff_table is not None else empty_frame(STAFF_COLUMNS)

    posts_table = reader.table(contract.POSTS)
    queued_posts = queued.get(contract.POSTS.name, ())
    if posts_table is None and queued_posts:
        posts_table = read_table([contract.POSTS.header], contract.POSTS).frame
    if posts_table is not None:
        posts_table = _with_queued(posts_table, queued_posts, issues)
    if posts_table is not None:
        posts = _posts(posts_table, staff, day_first, activity, numbers, issues)
    else:
        posts = empty_frame(POSTS_COLUMNS)
    del posts_table  # a big company's text columns, not needed once the posts are typed
    # Numbers imported from a platform's export replace the typed ones of the post with that link.
    imported = queued.get(contract.POST_NUMBERS.name, ())
    posts = apply_post_numbers(posts, tabs, imported)
    reader.written(contract.POST_NUMBERS, len(read_records(tabs, contract.POST_NUMBERS)))
    reader.summaries["Posts"].valid = len(posts)

    kpi_table = reader.table(contract.KPIS)
    kpis = _kpis(kpi_table, day_first, numbers, issues) if kpi_table is not None else empty_frame(KPI_COLUMNS)
    # Number of posts and Reach of posts are counted from Posts: a typed actual is reported (the count wins).
    issues += typed_computed_issues(kpis, posts)
    reader.summaries["KPIs"].valid = len(kpis)

    notes_table = reader.table(contract.NOTES)
    queued_notes = queued.get(contract.NOTES.name, ())
    if notes_table is None and queued_notes:
        notes_table = read_table([contract.NOTES.header], contract.NOTES).frame
    if notes_table is not None:
        notes_table = _with_queued_rows(notes_table, contract.NOTES, queued_notes)
    notes = _notes(notes_table, day_first, issues) if notes_table is not None else empty_frame(NOTES_COLUMNS)
    reader.summaries["Notes"].valid = len(notes)
    reader.summaries["Staff"].valid = len(staff)

    names = dict(zip(posts["person"], posts["name"]))
    names.update(zip(staff["person"], staff["name"]))
    kudos = read_kudos(tabs, queued.get(contract.KUDOS.name, ()), names, day_first, activity)
    meetings = read_records(tabs, contract.MEETINGS, queued.get(contract.MEETINGS.name, ()))
    reader.written(contract.MEETINGS, int((meetings["row"] != PENDING_ROW).sum()))
    follow_ups = read_records(tabs, contract.FOLLOW_UPS, queued.get(contract.FOLLOW_UPS.name, ()))
    reader.written(contract.FOLLOW_UPS, int((follow_ups["row"] != PENDING_ROW).sum()))
    reader.written(contract.KUDOS, int((kudos["row"] != PENDING_ROW).sum()))
    training, training_issues = training_records(staff, tabs, day_first, people)
    issues += training_issues
    reader.summary(contract.TRAINING, int((training["source"] == "Training").sum()))
    teams_frame = Dataset(posts, staff, kpis, notes, settings, [], {})
    questions = parse_questions(tabs, teams_frame.teams())
    issues += questions.issues
    reader.summary(contract.SURVEY_QUESTIONS, len(questions.questions) if questions.from_tab else 0)
    return SheetParts(
        posts,
        staff,
        kpis,
        notes,
        kudos,
        training,
        questions,
        settings,
        calendar,
        issues,
        reader.summaries,
        meetings,
        follow_ups,
    )


def read_live(
    tabs: Mapping[str, list[list]], queued: Queued | None, sheet: SheetParts, *, today: date | None = None
) -> LiveParts:
    """The tabs the room fills: Votes, Survey (Rally's own or a Google Form's), Survey Rounds, Moderation, Ideas."""
    queued = queued or {}
    reader = _Reader(tabs)
    day = today or date.today()  # noqa: DTZ011 (only when a caller passes no date: tests and one-off scripts)
    votes = read_votes(tabs, queued.get(contract.VOTES.name, ()))
    reader.written(contract.VOTES, int((votes["row"] != PENDING_ROW).sum()))
    rounds = read_rounds(tabs, queued.get(contract.SURVEY_ROUNDS.name, ()), day)
    reader.summary(contract.SURVEY_ROUNDS, len(rounds.started))
    answers = read_answers(
        tabs,
        queued.get(contract.SURVEY.name, ()),
        sheet.questions,
        rounds,
        sheet.calendar.day_first,
        staff_names=sheet.staff["name"],
    )
    reader.summary(contract.SURVEY, int(answers.frame["response"].nunique()) if len(answers.frame) else 0)
    hidden, next_seq = hidden_ids(tabs, queued.get(contract.MODERATION.name, ()))
    reader.summary(contract.MODERATION, len(hidden))
    ideas = read_ideas(tabs, queued.get(contract.IDEAS.name, ()), hidden)
    reader.summary(contract.IDEAS, len(ideas))
    reader.issues += [*rounds.issues, *answers.issues]
    survey = SurveyData(sheet.questions, rounds, answers, hidden, next_seq, ideas)
    return LiveParts(votes, survey, reader.issues, reader.summaries)


def combine(sheet: SheetParts, live: LiveParts) -> Dataset:
    """The dataset of both halves (frames are shared, not copied)."""
    return Dataset(
        sheet.posts,
        sheet.staff,
        sheet.kpis,
        sheet.notes,
        sheet.settings,
        [*sheet.issues, *live.issues],
        {**sheet.tabs, **live.tabs},
        kudos=sheet.kudos,
        votes=live.votes,
        training=sheet.training,
        survey=live.survey,
        calendar=sheet.calendar,
        meetings=sheet.meetings,
        follow_ups=sheet.follow_ups,
    )


class _Reader:
    """Finds each tab, reads its header and rows, and keeps the issues and row counts on the way."""

    def __init__(self, tabs: Mapping[str, list[list]]):
        self.tabs = tabs
        self.issues: list[DataIssue] = []
        self.summaries: dict[str, TabSummary] = {}

    def table(self, spec: TabSpec) -> pd.DataFrame | None:
        title = find_tab(self.tabs, spec)
        if title is None:
            if spec.required_tab:
                self.issues.append(
                    DataIssue(
                        spec.name, 0, "", "", f"the {spec.name} tab is missing — add it (python cli.py init-sheet)"
                    )
                )
            self.summaries[spec.name] = TabSummary(None, 0, 0)
            return None
        result = read_table(self.tabs[title], spec)
        self.issues.extend(result.issues)
        header = _header_cells(self.tabs[title], result.header_row)
        self.summaries[spec.name] = TabSummary(
            title, len(result.frame), len(result.frame), result.header_row, header, tuple(result.missing)
        )
        return result.frame if result.header_row else None

    def written(self, spec: TabSpec, valid: int) -> None:
        """A tab Rally writes: its header and counts, and any ID the Sheet holds twice (a retried write that landed)."""
        title = find_tab(self.tabs, spec)
        if title is None:
            self.summaries[spec.name] = TabSummary(None, 0, 0)
            return
        self.table(spec)
        self.issues.extend(repeated_ids(self.tabs[title], spec))
        self.summaries[spec.name].valid = valid

    def summary(self, spec: TabSpec, valid: int) -> None:
        """Counts for a tab a feature reads itself (its issues come from that reader)."""
        title = find_tab(self.tabs, spec)
        if title is None:
            self.summaries[spec.name] = TabSummary(None, 0, 0)
            return
        rows = sum(1 for row in self.tabs[title][1:] if any(str(cell).strip() for cell in row))
        self.summaries[spec.name] = TabSummary(title, rows, valid, 1, _header_cells(self.tabs[title], 1))


def _header_cells(rows: list[list], header_row: int | None) -> tuple[str, ...]:
    if not header_row or header_row > len(rows):
        return ()
    cells = [str(cell).strip() for cell in rows[header_row - 1]]
    while cells and not cells[-1]:
        cells.pop()
    return tuple(cells)


def _with_queued_rows(table: pd.DataFrame, spec: TabSpec, queued: Sequence[QueuedRow]) -> pd.DataFrame:
    """A hand-kept tab's rows, then this server's queued rows for it that the read doesn't hold yet (by ID)."""
    extra = queued_frame(spec, queued)
    if extra.empty:
        return table
    seen = set(table["ID"]) - {""} if "ID" in table else set()
    extra = extra[~extra["ID"].isin(seen)].drop(columns="pending")
    return pd.concat([table, extra[table.columns]], ignore_index=True)


def _staff(table: pd.DataFrame, day_first: bool, window: DateWindow, issues: list[DataIssue]) -> pd.DataFrame:
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
    joined, problems = read_dates(table["Joined"], day_first, window)
    bad = problems != ""
    issues += [
        DataIssue("Staff", int(r), "Joined", v, "not a date" if p == NOT_A_DATE else f"{p} — left blank")
        for r, v, p in zip(table["row"][bad], table["Joined"][bad], problems[bad])
    ]
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


def _posts(
    table: pd.DataFrame,
    staff: pd.DataFrame,
    day_first: bool,
    window: DateWindow,
    numbers: NumberFormat,
    issues: list[DataIssue],
) -> pd.DataFrame:
    rows = table["row"]
    names = map_text(table["Name"], clean_name)
    dates, date_problems = read_dates(table["Date"], day_first, window)

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
    bad_date = no_date & (table["Date"] != "")
    issues += [
        DataIssue("Posts", int(r), "Date", v, f"{p} — left out of every figure")
        for r, v, p in zip(rows[bad_date], table["Date"][bad_date], date_problems[bad_date])
    ]
    usable = ~no_name & ~no_date

    platform = map_text(table["Platform"], canonical_platform)
    issues += issues_from_mask(
        "Posts", rows, "Platform", table["Platform"], usable & (platform == ""), "no platform — counted as Unspecified"
    )
    platform = platform.replace("", "Unspecified")

    metrics = {}
    for metric in METRICS:
        column = metric.capitalize()
        values, problems = parse_numbers(table[column], numbers)
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
    keep = (usable & ~repeat).to_numpy()
    del link_key, first_rows

    columns = {
        "row": rows,
        "date": dates,
        "person": names.str.casefold(),
        "name": names,
        "team": map_text(table["Team"], clean_name),
        "platform": platform,
        "link": link,
        "summary": table["Summary"],
        **metrics,
        "pending": table["pending"] if "pending" in table else pd.Series(False, index=table.index),
    }
    # Each column cut to the kept rows on its own: a big tab's posts never sit in memory twice, all and kept.
    frame = pd.DataFrame({name: values[keep] for name, values in columns.items()}).reset_index(drop=True)
    del columns, names, platform, metrics

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


def _kpis(table: pd.DataFrame, day_first: bool, numbers: NumberFormat, issues: list[DataIssue]) -> pd.DataFrame:
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
        figures, problems = parse_numbers(table[column], numbers)
        values[column.lower()] = figures
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


# -- the tabs Rally writes (and people may type into) ---------------------------------------------------------------
def read_kudos(
    tabs: Mapping[str, list[list]],
    queued: Iterable[QueuedRow | Mapping[str, str]] = (),
    display_names: Mapping[str, str] | None = None,
    day_first: bool = True,
    window: DateWindow | None = None,
) -> pd.DataFrame:
    """Every kudos (the Kudos tab plus rows still on their way), each ID once, newest first.

    Rows without a To or a Message are left out; a missing or unreadable Date leaves
    the kudos out of any week (it is still listed). `display_names` (person key ->
    name, e.g. `Dataset.display_names()`) spells names as the Staff tab does.
    """
    records = read_records(tabs, KUDOS, queued)
    names = display_names or {}
    to = records["To"].map(clean_name)
    dates = parse_dates(records["Date"], day_first, window)
    frame = pd.DataFrame(
        {
            "row": records["row"],
            "id": records["ID"],
            "date": dates,
            "week": [iso_week_label(d.date()) if not pd.isna(d) else "" for d in dates],
            "to_person": to.str.casefold(),
            "to": [names.get(name_key(t), t) for t in to],
            "sender": records["From"].map(clean_name),
            "message": records["Message"].map(lambda text: " ".join(text.split())),
            "pending": records["pending"],
        }
    )
    frame = frame[(frame["to"] != "") & (frame["message"] != "")]
    return (
        frame.sort_values(["date", "row"], ascending=[False, False], na_position="last")
        .reset_index(drop=True)
        .astype(KUDOS_COLUMNS)
    )


def read_votes(tabs: Mapping[str, list[list]], pending: Iterable[Mapping[str, str]] = ()) -> pd.DataFrame:
    """Every vote in the Votes tab plus this server's queued ones, each ID once."""
    return read_records(tabs, VOTES, pending)


# -- training ----------------------------------------------------------------------------------------------------
def training_records(
    staff: pd.DataFrame, tabs: Mapping[str, list[list]], day_first: bool = True, window: DateWindow | None = None
) -> tuple[pd.DataFrame, list[DataIssue]]:
    """One row per person and module they are trained in (Staff `Trained` and the Training tab), with issues for bad rows."""
    issues: list[DataIssue] = []
    from_staff = staff[["person", "name", "trained"]].explode("trained").dropna(subset=["trained"])
    parts = [
        pd.DataFrame(
            {
                "person": from_staff["person"],
                "name": from_staff["name"],
                "module": from_staff["trained"].map(clean_name),
                "date": pd.NaT,
                "source": "Staff",
            }
        )
    ]
    title = find_tab(tabs, TRAINING)
    if title:
        table = read_table(tabs[title], TRAINING)
        issues += table.issues
        frame = table.frame
        names = frame["Name"].map(clean_name)
        modules = frame["Module"].map(clean_name)
        dates, problems = read_dates(frame["Date"], day_first, window or people_window(None))
        bad_date = problems != ""
        issues += [
            DataIssue(
                "Training", int(r), "Date", v, f"{'not a date' if p == NOT_A_DATE else p} — the training still counts"
            )
            for r, v, p in zip(frame["row"][bad_date], frame["Date"][bad_date], problems[bad_date])
        ]
        incomplete = (names == "") | (modules == "")
        issues += [
            DataIssue("Training", int(r), "Name" if n == "" else "Module", "", "blank — row left out")
            for r, n in zip(frame["row"][incomplete], names[incomplete])
        ]
        keep = ~incomplete
        parts.append(
            pd.DataFrame(
                {
                    "person": names[keep].str.casefold(),
                    "name": names[keep],
                    "module": modules[keep],
                    "date": dates[keep],
                    "source": "Training",
                }
            )
        )
    records = pd.concat([p.astype(TRAINING_COLUMNS) for p in parts], ignore_index=True)
    records = records[records["module"] != ""]
    return records.reset_index(drop=True).astype(TRAINING_COLUMNS), issues
