"""The week's positives, ready to read out, and the separate "What we'll do better" list.

Highlights, in reading order: the facilitator's own Highlight notes, top posts by
reach, top posts by engagement (a post already listed isn't repeated), first
posts, streaks and badges reached, team records, KPI wins, then Kudos notes.
Every text is plain (shown as text, never HTML); `link` is set only for http(s)
links of people who show on the leaderboard.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from rally.core.months import month_of, shift_month
from rally.core.parsing import name_key
from rally.core.settings import Settings
from rally.core.text import post_title, safe_link, truncate
from rally.core.week import as_week
from rally.weekly.awards import PostHistory, badges_earned
from rally.weekly.kudos import kudos_for_week
from rally.weekly.scoring import ANONYMOUS, anonymous_people, shown_name

TOP_POSTS = 3  # by reach
TOP_ENGAGING = 2  # by engagements, after those
SUMMARY_LIMIT = 80
RECORD_MIN_WEEKS = 4  # a "best week ever" needs some history to beat


@dataclass(frozen=True)
class Highlight:
    kind: str  # note | top-reach | top-engagement | first-post | badge | team-record | kpi | kudos
    text: str
    link: str = ""


def _post_phrase(post: pd.Series, name: str, anonymous: bool) -> str:
    """'Maya Patel's LinkedIn post “Case study: Acme”' — no summary for opted-out people."""
    title = post_title(post["summary"], post["platform"])
    summary = truncate(title, SUMMARY_LIMIT) if title and not anonymous else ""
    owner = "An anonymous colleague's" if anonymous else (f"{name}'" if name.endswith("s") else f"{name}'s")
    return f"{owner} {post['platform']} post" + (f" “{summary}”" if summary else "")


def top_posts(
    posts: pd.DataFrame, staff: pd.DataFrame, week: str, by: str, limit: int = TOP_POSTS, skip: set[int] = frozenset()
) -> pd.DataFrame:
    """The week's best posts by `by` (reach or engagements), at most `limit`, leaving out rows in `skip`."""
    rows = posts[(posts["week"] == week) & (posts[by] > 0) & ~posts["row"].isin(skip)]
    return rows.sort_values([by, "date", "row"], ascending=[False, True, True], kind="stable").head(limit)


def team_records(posts: pd.DataFrame, week: str) -> list[str]:
    """Teams whose posts or people posting this week are their most ever (with at least RECORD_MIN_WEEKS weeks before)."""
    history = posts[posts["week"] <= week]
    per_week = history.groupby(["team", "week"]).agg(posts=("row", "size"), people=("person", "nunique")).reset_index()
    found = []
    for team, weeks in per_week.groupby("team", sort=True):
        now = weeks[weeks["week"] == week]
        before = weeks[weeks["week"] < week]
        if now.empty or before["week"].nunique() < RECORD_MIN_WEEKS:
            continue
        posts_now, people_now = int(now["posts"].iloc[0]), int(now["people"].iloc[0])
        if posts_now > before["posts"].max():
            found.append(
                f"{team} had its busiest week ever: {posts_now} posts (the previous best was {int(before['posts'].max())})."
            )
        elif people_now > before["people"].max():
            found.append(f"{team} had its most people posting ever: {people_now}.")
    return found


def kpi_month(week: str, today: date | None = None) -> str:
    """The month the meeting about `week` reviews: the last full month that had ended by then.

    That meeting is held during the following week: with `today` the last month complete by today (at most a week
    after the week's Sunday), so the KPI slide and the KPI pages name the same month; without it, by the Sunday.
    """
    sunday = as_week(week).end
    if today is not None and today <= sunday + timedelta(days=7):
        return shift_month(month_of(today), -1)  # the last month over by today, as the KPI pages open on
    day = sunday + timedelta(days=7) if today is not None else sunday
    return month_of(day) if (day + timedelta(days=1)).day == 1 else shift_month(month_of(day), -1)


def kpi_wins(kpis: pd.DataFrame, week: str, today: date | None = None) -> list[str]:
    """KPIs at or above target in the month the meeting about `week` reviews (see `kpi_month`)."""
    month = kpi_month(week, today)
    rows = kpis[
        (kpis["month"] == month) & kpis["actual"].notna() & kpis["target"].notna() & (kpis["actual"] >= kpis["target"])
    ]
    label = pd.Timestamp(month + "-01").strftime("%B %Y")
    return [
        f"{label}: {r['kpi']} {r['actual']:,.0f} against a target of {r['target']:,.0f}." for _, r in rows.iterrows()
    ]


MENTION_MIN = 12  # characters of a summary (or a link) a note must quote to count as celebrating that post


def _mentions(note: str, summary: str, link: str) -> bool:
    """True when a note (casefolded, spaces collapsed) quotes the post's summary or its link."""
    summary = " ".join(str(summary).split()).casefold()
    link = str(link).strip().casefold()
    return (len(summary) >= MENTION_MIN and summary in note) or (len(link) >= MENTION_MIN and link in note)


def _note_person(person: str, staff: pd.DataFrame, names: dict[str, str]) -> str:
    key = name_key(person)
    return shown_name(key, names.get(key, person), anonymous_people(staff)) if key else ""


def weekly_highlights(
    posts: pd.DataFrame,
    staff: pd.DataFrame,
    notes: pd.DataFrame,
    kpis: pd.DataFrame,
    settings: Settings,
    week: str,
    history: PostHistory | None = None,
    badges: pd.DataFrame | None = None,
    kudos: pd.DataFrame | None = None,
    today: date | None = None,
) -> list[Highlight]:
    """Everything worth celebrating in `week`, in reading order; `kudos` is `rally.weekly.kudos.read_kudos(...)`'s frame."""
    history = history or PostHistory(posts, settings)
    hidden = anonymous_people(staff)
    names = {**history.names, **dict(zip(staff["person"], staff["name"]))}
    week_notes = notes[notes["week"] == week]
    found: list[Highlight] = []

    for _, note in week_notes[week_notes["kind"] == "Highlight"].iterrows():
        who = _note_person(note["person"], staff, names)
        found.append(Highlight("note", f"{note['text']}" + (f" — {who}" if who else "")))

    # A post the facilitator's own Highlight note already celebrates is read out once: in their words.
    noted = [
        " ".join(str(text).split()).casefold() for text in week_notes.loc[week_notes["kind"] == "Highlight", "text"]
    ]
    listed: set[int] = {
        int(post.row)
        for post in posts[posts["week"] == week].itertuples()
        if any(_mentions(note, post.summary, post.link) for note in noted)
    }
    for _, post in top_posts(posts, staff, week, "reach", skip=listed).iterrows():
        anonymous = post["person"] in hidden
        found.append(
            Highlight(
                "top-reach",
                f"{_post_phrase(post, post['name'], anonymous)} reached {post['reach']:,.0f} people.",
                "" if anonymous else safe_link(post["link"]) or "",
            )
        )
        listed.add(int(post["row"]))
    for _, post in top_posts(posts, staff, week, "engagements", TOP_ENGAGING, skip=listed).iterrows():
        anonymous = post["person"] in hidden
        found.append(
            Highlight(
                "top-engagement",
                f"{_post_phrase(post, post['name'], anonymous)} got {post['engagements']:,.0f} reactions, comments, shares and clicks.",
                "" if anonymous else safe_link(post["link"]) or "",
            )
        )

    badges = badges if badges is not None else badges_earned(posts, staff, week, history=history)
    for person in history.first_timers(week):
        who = shown_name(person, names.get(person, person), hidden)
        found.append(
            Highlight(
                "first-post",
                f"{who} posted for the first time. Welcome!"
                if who != ANONYMOUS
                else "A colleague posted for the first time. Welcome!",
            )
        )
    for _, badge in badges[badges["key"].isin(["streak-4", "streak-10", "platforms-3"])].iterrows():
        text = {
            "streak-4": "reached a 4-week streak",
            "streak-10": "reached a 10-week streak",
            "platforms-3": "posted on 3 or more platforms",
        }[badge["key"]]
        # Someone off the public board is celebrated without a name that reads like one ("Anonymous reached…").
        who = "A colleague" if badge["person"] in hidden else badge["name"]
        found.append(Highlight("badge", f"{badge['icon']} {who} {text}."))

    found += [Highlight("team-record", text) for text in team_records(posts, week)]
    found += [Highlight("kpi", text) for text in kpi_wins(kpis, week, today)]

    for _, note in week_notes[week_notes["kind"] == "Kudos"].iterrows():
        who = _note_person(note["person"], staff, names)
        found.append(Highlight("kudos", (f"Kudos to {who}: " if who else "Kudos: ") + note["text"]))
    if kudos is not None:
        for _, sent in kudos_for_week(kudos, week, settings.meeting_weekday).iterrows():
            # Someone off the public board is thanked without their name on the projector.
            to = "a colleague" if sent["to_person"] in hidden else sent["to"]
            sender = "" if name_key(sent["sender"]) in hidden else sent["sender"]
            found.append(
                Highlight(
                    "kudos",
                    f"Kudos to {to}" + (f" from {sender}" if sender else "") + f": {truncate(sent['message'], 200)}",
                )
            )
    return found


def improvements(posts: pd.DataFrame, notes: pd.DataFrame, week: str) -> list[str]:
    """The "What we'll do better" list: the week's Improve notes, then what the data asks of everyone (missing numbers)."""
    items = [
        " ".join(str(t).split()) for t in notes.loc[(notes["week"] == week) & (notes["kind"] == "Improve"), "text"]
    ]
    week_posts = posts[posts["week"] == week]
    missing = int(week_posts["reach"].isna().sum())
    if missing:
        items.append(
            f"{missing} post{'s' if missing != 1 else ''} from {week} {'have' if missing != 1 else 'has'} no reach yet: add the numbers in the Sheet so they count in full."
        )
    return items
