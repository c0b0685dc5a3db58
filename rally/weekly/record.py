"""The meeting's record: what a closed meeting showed, and last week's "do better" items followed up.

Past weeks are otherwise recomputed from today's data, so a meeting's hero or totals could shift
after the fact (a late post, a corrected reach). Closing a meeting writes what it showed to the
Meetings tab, one row per item, each with an ID made from the week and the item, so closing twice
writes once. A past week's meeting then shows its record, with today's figures beside it only
where they differ.

The "What we'll do better" items of a week come back the next week ("did we do it?"): each can be
marked done, not yet or dropped; the Follow-ups tab keeps every mark, the latest one counting.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import date

import pandas as pd

from rally.core.week import as_week
from rally.weekly.glance import WeekGlance
from rally.weekly.hero import Hero
from rally.weekly.highlights import Highlight
from rally.weekly.meeting import WeeklyMeeting

TOTALS = (("Posts", "posts"), ("People posting", "people"), ("Reach", "reach"), ("Engagements", "engagements"))
STATUSES = ("done", "not yet", "drop")  # what a follow-up can be marked
STATUS_LABELS = {"done": "✅ Done", "not yet": "⏳ Not yet", "drop": "🗑️ Dropped"}
VOTE_PLACES = 3  # the vote's podium kept in the record


@dataclass(frozen=True)
class MeetingRecord:
    """What the meeting of `week` showed when it was closed."""

    week: str
    closed: str  # the day it was closed, ISO
    totals: dict[str, float] = field(default_factory=dict)
    hero: tuple[str, str] | None = None  # (name, reason)
    winners: dict[str, str] = field(default_factory=dict)  # category -> name
    highlights: tuple[tuple[str, str], ...] = ()  # (kind, text) as the slide showed them
    improve: tuple[str, ...] = ()
    vote: tuple[tuple[str, int], ...] = ()  # (name, votes), most first


def item_key(text: str) -> str:
    """A do-better item's key: the same words, the same item (case and spacing don't matter)."""
    return hashlib.blake2b(" ".join(text.split()).casefold().encode(), digest_size=6).hexdigest()


def record_rows(meeting: WeeklyMeeting, closed: date) -> list[dict[str, str]]:
    """The Meetings rows for closing `meeting`: one per item, IDs from the week and the item (closing twice writes once)."""
    week = str(meeting.week)
    rows: list[tuple[str, str, str]] = [
        ("total", label, f"{float(getattr(meeting.glance.this, name)):g}") for label, name in TOTALS
    ]
    if meeting.hero is not None:
        rows.append(("hero", meeting.hero.name, meeting.hero.reason))
    rows += [("winner", award.category, award.name) for award in meeting.awards if award.won]
    rows += [("highlight", h.kind, h.text) for h in meeting.highlights]
    rows += [("improve", item_key(text), text) for text in meeting.improve]
    rows += [("vote", str(r["name"]), str(int(r["votes"]))) for _, r in meeting.tally.head(VOTE_PLACES).iterrows()]
    # The ID names the week, the kind and the item's place among its kind (two winners may share a category).
    places: dict[str, int] = {}
    records = []
    for kind, item, value in rows:
        places[kind] = places.get(kind, 0) + 1
        records.append(
            {"ID": f"meeting:{week}:{kind}:{places[kind]}", "Week": week, "Closed": closed.isoformat(), "Kind": kind,
             "Item": item, "Value": value}
        )  # fmt: skip
    return records


def meeting_records(frame: pd.DataFrame) -> dict[str, MeetingRecord]:
    """Every closed meeting by week, from the Meetings tab's rows (`Week`, `Closed`, `Kind`, `Item`, `Value`)."""
    records: dict[str, MeetingRecord] = {}
    for week, rows in frame.groupby("Week", sort=False):
        try:
            label = str(as_week(str(week)))
        except ValueError:
            continue
        totals, winners, highlights, improve, vote, hero = {}, {}, [], [], [], None
        for kind, item, value in zip(rows["Kind"], rows["Item"], rows["Value"]):
            kind = str(kind).strip().casefold()
            if kind == "total":
                try:
                    totals[item] = float(value)
                except ValueError:
                    continue
            elif kind == "hero":
                hero = (item, value)
            elif kind == "winner":
                winners[item] = f"{winners[item]} and {value}" if item in winners else value
            elif kind == "highlight":
                highlights.append((item, value))
            elif kind == "improve":
                improve.append(value)
            elif kind == "vote":
                vote.append((item, int(value) if str(value).isdigit() else 0))
        closed = max((c for c in rows["Closed"] if c), default="")
        records[label] = MeetingRecord(
            label, closed, totals, hero, winners, tuple(highlights), tuple(improve), tuple(vote)
        )
    return records


@dataclass(frozen=True)
class Difference:
    what: str
    then: str
    now: str


def differences(record: MeetingRecord, meeting: WeeklyMeeting) -> list[Difference]:
    """Where today's figures for the week differ from what its meeting showed (nothing when they agree)."""
    found = []
    for label, name in TOTALS:
        if label in record.totals:
            now = float(getattr(meeting.glance.this, name))
            if round(now) != round(record.totals[label]):
                found.append(Difference(label, f"{record.totals[label]:,.0f}", f"{now:,.0f}"))
    if record.hero is not None and meeting.hero is not None and record.hero[0] != meeting.hero.name:
        found.append(Difference("Hero of the week", record.hero[0], meeting.hero.name))
    now_winners: dict[str, str] = {}
    for award in meeting.awards:
        if award.won:
            now_winners[award.category] = (
                f"{now_winners[award.category]} and {award.name}" if award.category in now_winners else award.name
            )
    for category, name in record.winners.items():
        if category in now_winners and now_winners[category] != name:
            found.append(Difference(category, name, now_winners[category]))
    return found


@dataclass(frozen=True)
class FollowUp:
    key: str
    text: str
    status: str  # "" until someone marks it


def follow_up_rows(week: str, key: str, text: str, status: str, day: date, seq: int) -> dict[str, str]:
    """One mark on a do-better item raised in `week` (the latest mark counts); the outbox adds the ID."""
    return {"Week": str(week), "Item": key, "Text": text, "Status": status, "Day": day.isoformat(), "Seq": str(seq)}


def follow_ups(items: list[str], raised_in: str, marks: pd.DataFrame) -> list[FollowUp]:
    """Last week's do-better `items` with their latest mark from the Follow-ups tab (`Week`, `Item`, `Status`, `Seq`)."""
    mine = marks[marks["Week"].str.strip().str.upper() == str(raised_in).upper()]
    mine = mine.assign(_seq=pd.to_numeric(mine["Seq"], errors="coerce").fillna(0), _order=range(len(mine)))
    latest = mine.sort_values(["_seq", "_order"]).drop_duplicates("Item", keep="last")
    status = {
        key: value.strip().casefold()
        for key, value in zip(latest["Item"], latest["Status"])
        if value.strip().casefold() in STATUSES
    }
    return [FollowUp(item_key(text), text, status.get(item_key(text), "")) for text in items]


def next_seq(marks: pd.DataFrame) -> int:
    numbers = pd.to_numeric(marks["Seq"], errors="coerce").dropna()
    return int(numbers.max()) + 1 if len(numbers) else 1


def as_recorded(meeting: WeeklyMeeting, record: MeetingRecord | None, notes: pd.DataFrame) -> WeeklyMeeting:
    """The meeting as its record says it was shown: totals, hero, highlights and do-better items from the record.

    Today's figures stay for everything the record doesn't keep (the boards, the awards' details, the charts);
    `differences` names what moved since. A note added after the close (a highlight, a do-better item) follows
    the recorded ones: a facilitator who adds one sees it.
    """
    if record is None:
        return meeting
    this = meeting.glance.this
    totals = replace(
        this,
        **{
            name: (int if name in ("posts", "people") else float)(record.totals.get(label, getattr(this, name)))
            for label, name in TOTALS
        },
    )
    hero = meeting.hero
    if record.hero is not None:
        same = meeting.hero is not None and meeting.hero.name == record.hero[0]
        hero = Hero(
            str(meeting.week),
            meeting.hero.person if same else "",
            record.hero[0],
            record.hero[1],
            meeting.hero.rule if same else "record",
            meeting.hero.link if same else "",
        )
    links = {(h.kind, h.text): h.link for h in meeting.highlights}
    recorded = [Highlight(kind, text, links.get((kind, text), "")) for kind, text in record.highlights]
    added = [h for h in meeting.highlights if h.kind == "note" and (h.kind, h.text) not in set(record.highlights)]
    return replace(
        meeting,
        glance=WeekGlance(totals, meeting.glance.previous),
        hero=hero,
        highlights=recorded + added,
        improve=list(dict.fromkeys([*record.improve, *improve_notes(notes, str(meeting.week))])),
    )


def items_to_follow_up(records: dict[str, MeetingRecord], notes: pd.DataFrame, week: str) -> tuple[str, list[str]]:
    """(the week before `week`, its "do better" items): as its closed meeting recorded them, else its Improve notes."""
    before = str(as_week(week).previous)
    if before in records:
        return before, list(records[before].improve)
    return before, improve_notes(notes, before)


def improve_notes(notes: pd.DataFrame, week: str) -> list[str]:
    """The week's "do better" items typed as Improve notes (from the Sheet or the presenter), once each."""
    typed = notes.loc[(notes["week"] == week) & (notes["kind"] == "Improve"), "text"]
    return list(dict.fromkeys(" ".join(str(text).split()) for text in typed))
