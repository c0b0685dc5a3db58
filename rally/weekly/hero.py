"""Hero of the week: one person in the spotlight, with a reason a person would say out loud.

The rule, in order (the first rule with someone who wasn't hero in the previous
four weeks decides; when only recent heroes qualify, the first of them is hero again):

1. The week's post with the highest reach — "Maya Patel's post “Case study: Acme” reached 3,400 people — the most this week."
2. A first-ever post — "Leo Martin posted for the first time, on LinkedIn."
3. The biggest rise on their own last four weeks.
4. The longest run of weeks with a post (4 weeks or more).
5. Points this week, most first (so anyone who posted can be hero once the others had their turn).

A Notes row with Kind = Hero for the week overrides the rule; its text is the reason.
People who opted out of the leaderboard are never picked by the rule (they asked
not to be in the spotlight); a Notes row naming one shows them as "Anonymous".
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pandas as pd

from rally.core.parsing import iso_week_label, name_key
from rally.core.settings import Settings
from rally.core.text import truncate
from rally.core.week import as_week
from rally.weekly.awards import BASELINE_WEEKS, PostHistory, week_index
from rally.weekly.scoring import anonymous_people, shown_name

NO_REPEAT_WEEKS = 4
STREAK_MINIMUM = 4
SUMMARY_LIMIT = 60


@dataclass(frozen=True)
class Hero:
    week: str
    person: str  # person key; "" when a Notes row names nobody
    name: str  # as shown
    reason: str  # one sentence
    rule: str  # note | top-reach | first-post | rising | streak | points
    link: str = ""


def _possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def hero_candidates(
    posts: pd.DataFrame, staff: pd.DataFrame, settings: Settings, week: str, history: PostHistory | None = None
) -> list[Hero]:
    """Everyone the rule would consider for `week`, best first, each with their reason (a person appears once)."""
    return list(_candidates(posts, staff, settings, week, history))


def _candidates(
    posts: pd.DataFrame, staff: pd.DataFrame, settings: Settings, week: str, history: PostHistory | None = None
) -> Iterator[Hero]:
    """hero_candidates one at a time, each rule worked out only when the ones before it are used up.

    The hero walk of every week since the first post nearly always stops at the first or second candidate;
    scoring everybody who posted that week only to drop them made a big company's meeting take seconds.
    """
    seen: set[str] = set()
    for hero in _by_rule(posts, staff, settings, week, history):
        if hero.person not in seen:
            seen.add(hero.person)
            yield hero


def _by_rule(
    posts: pd.DataFrame, staff: pd.DataFrame, settings: Settings, week: str, history: PostHistory | None
) -> Iterator[Hero]:
    """Every rule's candidates in the rule's order (a person may come up under several rules)."""
    history = history or PostHistory(posts, settings)
    hidden = anonymous_people(staff)
    week_posts = history.week(week)  # oldest first
    week_posts = week_posts[~week_posts["capped"] & ~week_posts["person"].isin(hidden)]
    names = history.names

    reached = week_posts[week_posts["reach"] > 0]
    if not reached.empty:
        best = reached["reach"].max()
        for _, post in reached[reached["reach"] == best].iterrows():
            what = (
                f"{post['platform']} post “{truncate(post['summary'], SUMMARY_LIMIT)}”"
                if post["summary"]
                else f"{post['platform']} post"
            )
            yield Hero(
                week,
                post["person"],
                post["name"],
                f"{_possessive(post['name'])} {what} reached {best:,.0f} people — the most this week.",
                "top-reach",
                post["link"],
            )

    newcomers = [person for person in history.first_timers(week) if person not in hidden]
    if newcomers:
        first_posts = week_posts.drop_duplicates("person").set_index("person")
        for person in newcomers:
            platform, link = (
                (f", on {first_posts.at[person, 'platform']}", first_posts.at[person, "link"])
                if person in first_posts.index
                else ("", "")
            )
            yield Hero(
                week, person, names[person], f"{names[person]} posted for the first time{platform}.", "first-post", link
            )

    rise = history.rises(week)
    rise = rise[(rise["rise"] > 0) & (rise["baseline"] > 0) & ~rise["person"].isin(hidden)].sort_values(
        ["rise", "person"], ascending=[False, True], kind="stable"
    )
    for _, row in rise.head(1).iterrows():
        name = names[row["person"]]
        yield Hero(
            week,
            row["person"],
            name,
            f"{name} earned {row['points']:,.0f} points this week, up from an average of {row['baseline']:,.0f} over the previous {BASELINE_WEEKS}.",
            "rising",
        )

    runs = history.streaks(week)
    runs = runs[(runs >= STREAK_MINIMUM) & ~runs.index.isin(hidden)]
    if not runs.empty:
        longest = runs.max()
        for person in sorted(runs[runs == longest].index):
            yield Hero(week, person, names[person], f"{names[person]} has posted {longest} weeks running.", "streak")

    # Everyone else who posted, by points: anyone who took part may be hero when the others had their turn.
    totals = (
        week_posts.groupby("person")
        .agg(points=("points", "sum"), posts=("row", "size"), reach=("reach", "sum"))
        .reset_index()
    )
    totals = totals.sort_values(["points", "person"], ascending=[False, True], kind="stable")
    for index, row in enumerate(totals.itertuples()):
        name = names[row.person]
        if index == 0:
            reason = f"{name} earned {row.points:,.0f} points this week, the most of anyone."
        else:
            reach = f", reaching {row.reach:,.0f} people" if row.reach else ""
            reason = f"{name} earned {row.points:,.0f} points this week with {row.posts} post{'s' if row.posts != 1 else ''}{reach}."
        yield Hero(week, row.person, name, reason, "points")


def hero_note(notes: pd.DataFrame, week: str, posts: pd.DataFrame, staff: pd.DataFrame) -> Hero | None:
    """The facilitator's pick: the first Notes row with Kind = Hero for `week`, its text as the reason."""
    rows = notes[(notes["week"] == week) & (notes["kind"] == "Hero")]
    if rows.empty:
        return None
    note = rows.iloc[0]
    person = name_key(note["person"])
    names = {
        **dict(zip(posts.loc[posts["person"] == person, "person"], posts.loc[posts["person"] == person, "name"])),
        **dict(zip(staff["person"], staff["name"])),
    }
    name = shown_name(person, names.get(person, note["person"]), anonymous_people(staff)) if person else ""
    return Hero(week, person, name, " ".join(str(note["text"]).split()), "note")


def hero_history(
    posts: pd.DataFrame,
    staff: pd.DataFrame,
    notes: pd.DataFrame,
    settings: Settings,
    until: str,
    history: PostHistory | None = None,
) -> dict[str, Hero | None]:
    """week -> hero, for every week from the first post to `until`, applying the no-repeat rule as it goes.

    `history` is PostHistory(posts, settings), when the caller has it already.
    """
    if posts.empty:
        return {until: hero_note(notes, until, posts, staff)}
    first = min(posts["week"].min(), until)
    start = as_week(first).start
    weeks = [iso_week_label(start + timedelta(weeks=n)) for n in range(week_index(until) - week_index(first) + 1)]
    facts = history or PostHistory(posts, settings)
    history: dict[str, Hero | None] = {}
    recent: list[str] = []
    hero_notes = notes[notes["kind"] == "Hero"]
    for week in weeks:
        hero = hero_note(hero_notes, week, posts, staff)
        if hero is None:
            hero = _pick(_candidates(posts, staff, settings, week, facts), set(recent[-NO_REPEAT_WEEKS:]))
        history[week] = hero
        recent.append(hero.person if hero else "")
    return history


def _pick(candidates: Iterator[Hero], recent: set[str]) -> Hero | None:
    """The first candidate who wasn't a recent hero; when all were, the first candidate; None without any."""
    first = None
    for candidate in candidates:
        if candidate.person not in recent:
            return candidate
        first = first or candidate
    return first


def hero_of_the_week(
    posts: pd.DataFrame,
    staff: pd.DataFrame,
    notes: pd.DataFrame,
    settings: Settings,
    week: str,
    history: PostHistory | None = None,
) -> Hero | None:
    """The hero for `week`, or None when nobody posted and no Notes row names one (`history`: as hero_history's)."""
    return hero_history(posts, staff, notes, settings, week, history)[week]
