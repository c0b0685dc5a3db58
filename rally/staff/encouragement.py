"""The encouragement list: people who may need a hand or a word, each with a suggested next step.

Rules, as of a week (the one the meeting reviews): posted for the first time that
week (say well done); trained but never posted (pair them with a buddy); posted
before but silent for 4+ weeks (check in); one week from a 4- or 10-week streak
badge (cheer them on — the reach and platform hints stay on My progress: they are
a week's luck, not a habit to encourage).

For the facilitator only, never on a projected or director page (views/encouragement.py
is the one page that uses this module, behind the facilitator sign-in). Names are
real names: the list exists so a person can act on it privately.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pandas as pd

from rally.core.parsing import iso_week_label
from rally.core.text import truncate
from rally.core.week import as_week
from rally.staff.progress import teams_by_person
from rally.weekly.awards import BADGE_BY_KEY, first_timers, next_streak_badge, streak_runs, week_index

SILENT_WEEKS = 4


@dataclass(frozen=True)
class Rule:
    key: str
    title: str  # the heading on the page
    step: str  # the suggested next step


RULES: tuple[Rule, ...] = (
    Rule("first-post", "First post", "Say well done — in the meeting or in person."),
    Rule("trained-not-posted", "Trained, no post yet", "Pair them with a buddy for a first post."),
    Rule(
        "gone-quiet",
        f"Silent {SILENT_WEEKS}+ weeks",
        "Check in: ask what got in the way, and offer an easy idea to post about.",
    ),
    Rule("close-to-badge", "A week from a streak badge", "Cheer them on: one more week of posting earns the badge."),
)
RULE_BY_KEY = {r.key: r for r in RULES}
COLUMNS = {"rule": "str", "person": "str", "name": "str", "team": "str", "why": "str", "step": "str"}


def encouragement_list(posts: pd.DataFrame, staff: pd.DataFrame, trained: pd.DataFrame, week: str) -> pd.DataFrame:
    """Who may need encouragement as of `week`: one row per person and rule (RULES order, then name).

    `trained` is `rally.staff.training.training_records(...)` (one row per person and module).
    Posts after `week` count too: someone who posted since is not "silent" and not
    "yet to post". Columns: rule, person, name, team, why, step.
    """
    # Only the columns the rules read: filtering and sorting the whole frame would copy every post's text too.
    posts = posts[["row", "date", "week", "person", "name", "team", "platform", "summary"]]
    names = {
        **dict(zip(trained["person"], trained["name"])),
        **dict(zip(posts["person"], posts["name"])),
        **dict(zip(staff["person"], staff["name"])),
    }
    teams = teams_by_person(posts, staff)
    rows: list[dict[str, str]] = []

    def add(rule: str, person: str, why: str, step: str | None = None) -> None:
        rows.append(
            {
                "rule": rule,
                "person": person,
                "name": names.get(person, person),
                "team": teams.get(person, ""),
                "why": why,
                "step": step or RULE_BY_KEY[rule].step,
            }
        )

    up_to = posts[posts["week"] <= week]
    firsts = (
        up_to.sort_values(["date", "row"], kind="stable").drop_duplicates("person").set_index("person")
    )  # each person's first post
    for person in first_timers(up_to, week):
        first = firsts.loc[person]
        said = f"“{truncate(first['summary'], 60)}”" if first["summary"] else "a post"
        add("first-post", person, f"{said} on {first['platform']}, {first['date']:%a %d %b}")

    posted = set(posts["person"])
    modules = trained.groupby("person")["module"].nunique()
    for person in sorted(set(modules.index) - posted):
        count = int(modules[person])
        add("trained-not-posted", person, f"trained in {count} module{'s' if count != 1 else ''}, no post yet")

    last = posts.sort_values(["date", "row"]).groupby("person").agg(week=("week", "last"), date=("date", "last"))
    silent = week_index(week) - pd.Series([week_index(w) for w in last["week"]], index=last.index, dtype="int64")
    for person in silent[silent >= SILENT_WEEKS].index:
        add("gone-quiet", person, f"last post {last.loc[person, 'date']:%d %b %Y} — {int(silent[person])} weeks ago")

    # Hints look at the week after: the one in progress when the meeting reviews the last complete week.
    following = iso_week_label(as_week(week).start + timedelta(days=7))
    runs = streak_runs(posts, following)  # everyone's at once: one person at a time would be people × posts
    for person in sorted(set(up_to["person"]) - set(silent[silent >= SILENT_WEEKS].index)):
        run, posted = runs.get(person, (0, False))
        upcoming = next_streak_badge(run)
        if upcoming is not None and upcoming[0] == 1:
            badge = BADGE_BY_KEY[upcoming[1]]
            add(
                "close-to-badge",
                person,
                f"{badge.icon} {run} weeks running{'' if posted else ', not yet this week'} — one more week for the {badge.label} badge",
            )

    order = {r.key: i for i, r in enumerate(RULES)}
    frame = pd.DataFrame(rows, columns=list(COLUMNS)).astype(COLUMNS)
    if frame.empty:
        return frame
    frame = frame.assign(order=frame["rule"].map(order), key=frame["name"].str.casefold())
    return frame.sort_values(["order", "key"], kind="stable").drop(columns=["order", "key"]).reset_index(drop=True)
