"""The weekly competition: streaks, badges and one winner per category.

Each category measures something different, so the same loud account cannot win
everything: Top reach · Most engaging (rate, with a minimum reach) · Most creative
(the room's vote) · Most consistent (weeks running) · Rising star (against their
own last four weeks; a first-ever post counts as a rise from nothing).
Equal scores share the award. Opted-out people win as "Anonymous", with no
summary or link that could give them away.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import pandas as pd

from rally.core.parsing import iso_week_label
from rally.core.settings import Settings
from rally.core.text import post_title, truncate
from rally.core.week import as_week
from rally.weekly.scoring import ANONYMOUS, anonymous_people, score_posts, shown_name

WEEKS_KEPT_CUT = 8  # weeks' slices a PostHistory keeps cut (the hero's walk looks back a few weeks at a time)

BASELINE_WEEKS = 4
CONSISTENT_MIN_WEEKS = 2  # one week is a post, not a habit
SUMMARY_LIMIT = 70


# -- weeks and streaks ---------------------------------------------------------------------------------
def week_index(week: str) -> int:
    """Weeks as consecutive integers, so runs of weeks are runs of numbers."""
    return as_week(week).start.toordinal() // 7


def weeks_before(week: str, count: int) -> list[str]:
    """The `count` weeks before `week`, oldest first."""
    monday = as_week(week).start
    return [iso_week_label(monday - timedelta(weeks=n)) for n in range(count, 0, -1)]


class PostHistory:
    """Everything the weekly rules look back on, computed once for a set of posts: weeks, streaks, first posts, weekly points.

    The hero rule walks every week since the first post; building this once keeps that walk cheap.
    """

    def __init__(self, posts: pd.DataFrame, settings: Settings):
        self.posts = posts
        self.settings = settings
        scored = score_posts(posts, settings)  # not kept: the per-week slices below hold what the rules use
        latest = posts.drop_duplicates("person", keep="last")
        self.names: dict[str, str] = dict(
            zip(latest["person"], latest["name"])
        )  # person -> display name (their last post's)
        self.first_week = posts.groupby("person")["week"].min()
        self.active = active_weeks(posts)
        self.points = (
            scored.pivot_table(index="person", columns="week", values="points", aggfunc="sum", fill_value=0.0)
            if len(posts)
            else pd.DataFrame()
        )
        # Each week's posts in posting order, as positions into the scored posts: the weekly rules look at a few weeks
        # at a time, so a week's slice is cut when asked for, not kept for every week at once (a big company's posts,
        # text and all, would be held twice, and sorted whole first).
        self._scored = scored
        dates, rows = scored["date"].to_numpy(), scored["row"].to_numpy()
        self._positions = {
            week: at[np.lexsort((rows[at], dates[at]))]
            for week, at in scored.groupby("week", sort=True).indices.items()
        }
        self._empty = scored.iloc[0:0]
        self._cut: OrderedDict[str, pd.DataFrame] = OrderedDict()

    def week(self, week: str) -> pd.DataFrame:
        """The scored posts of `week` (capped ones included), oldest first."""
        frame = self._cut.get(week)
        if frame is None:
            at = self._positions.get(week)
            frame = self._empty if at is None else self._scored.take(at)
            self._cut[week] = frame
            while len(self._cut) > WEEKS_KEPT_CUT:
                self._cut.popitem(last=False)
        return frame

    def streaks(self, week: str) -> pd.Series:
        """person -> weeks running with at least one post, ending with `week` (people who didn't post in `week` are left out)."""
        return _streaks(self.active, week)

    def first_timers(self, week: str) -> list[str]:
        """People whose first-ever post is in `week`, in the order they posted."""
        newcomers = set(self.first_week[self.first_week == week].index)
        return [p for p in dict.fromkeys(self.week(week)["person"]) if p in newcomers]

    def rises(self, week: str) -> pd.DataFrame:
        """This week's points against each poster's average over the previous four weeks (silent weeks count as 0).

        Columns: person, points, baseline, rise — one row per person who earned points in `week`.
        """
        if week not in self.points.columns:
            return pd.DataFrame(
                {
                    "person": pd.Series([], dtype="str"),
                    "points": pd.Series([], dtype="float64"),
                    "baseline": pd.Series([], dtype="float64"),
                    "rise": pd.Series([], dtype="float64"),
                }
            )
        before = self.points.reindex(columns=weeks_before(week, BASELINE_WEEKS), fill_value=0.0)
        frame = pd.DataFrame({"points": self.points[week], "baseline": before.mean(axis=1)})
        frame = frame[frame["points"] > 0]
        frame["rise"] = frame["points"] - frame["baseline"]
        return (
            frame.rename_axis("person")
            .reset_index()
            .astype({"person": "str", "points": "float64", "baseline": "float64", "rise": "float64"})
        )


def active_weeks(posts: pd.DataFrame) -> dict[str, set[int]]:
    """person -> the week numbers (week_index) they posted in."""
    weeks = posts[["person", "week"]].drop_duplicates()
    number = {week: week_index(week) for week in weeks["week"].unique()}  # a few hundred weeks, not a number per row
    active: dict[str, set[int]] = {}
    for person, week in zip(weeks["person"], weeks["week"]):
        active.setdefault(person, set()).add(number[week])
    return active


def _streaks(active: dict[str, set[int]], week: str) -> pd.Series:
    target = week_index(week)
    result = {}
    for person, have in active.items():
        length = 0
        while target - length in have:
            length += 1
        if length:
            result[person] = length
    return pd.Series(result, dtype="int64", name="streak")


def streaks(posts: pd.DataFrame, week: str) -> pd.Series:
    """person -> weeks running with at least one post, ending with `week` (people who didn't post in `week` are left out).

    Only which weeks people posted in matters: nothing is scored (one person's streak is asked for per person on big lists).
    """
    return _streaks(active_weeks(posts[posts["week"] <= week]), week)


def first_post_weeks(posts: pd.DataFrame) -> pd.Series:
    """person -> the ISO week of their first-ever post."""
    return posts.groupby("person")["week"].min()


def first_timers(posts: pd.DataFrame, week: str) -> list[str]:
    """People whose first-ever post is in `week`, in the order they posted (as PostHistory.first_timers, without scoring)."""
    first_week = first_post_weeks(posts)
    newcomers = set(first_week[first_week == week].index)
    this_week = posts[posts["week"] == week].sort_values(["date", "row"], kind="stable")
    return [p for p in dict.fromkeys(this_week["person"]) if p in newcomers]


def weekly_points(posts: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """Points per person per week (weekly cap applied): a person × week table, 0 where they didn't post."""
    return PostHistory(posts, settings).points


def rises(posts: pd.DataFrame, settings: Settings, week: str) -> pd.DataFrame:
    """This week's points against each poster's average over the previous four weeks (see PostHistory.rises)."""
    return PostHistory(posts, settings).rises(week)


# -- badges -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Badge:
    key: str
    icon: str
    label: str
    rule: str


BADGES: tuple[Badge, ...] = (
    Badge("first-post", "🎉", "First post", "Their first-ever post"),
    Badge("streak-4", "🔥", "4-week streak", "Posted 4 weeks running (reached this week)"),
    Badge("streak-10", "🏆", "10-week streak", "Posted 10 weeks running (reached this week)"),
    Badge("platforms-3", "🌐", "3+ platforms", "Posted on 3 or more platforms this week"),
    Badge("reach-1000", "🚀", "1,000-reach post", "A post this week reached 1,000 people or more"),
    Badge("creative", "🎨", "Most creative", "Won the room's most-creative vote"),
)
BADGE_BY_KEY = {b.key: b for b in BADGES}
STREAK_BADGES = {4: "streak-4", 10: "streak-10"}
PLATFORM_BADGE_MINIMUM = 3
REACH_BADGE_MINIMUM = 1_000


def badges_earned(
    posts: pd.DataFrame,
    staff: pd.DataFrame,
    week: str,
    creative_winners: tuple[str, ...] | list[str] = (),
    history: PostHistory | None = None,
) -> pd.DataFrame:
    """One row per badge earned in `week`: person, name (as shown), key, icon, label — in BADGES order per person.

    Streak badges are earned the week the streak reaches 4 or 10, not every week after.
    """
    history = history or PostHistory(posts, Settings())
    this_week = posts[posts["week"] == week]
    earned: list[tuple[str, str]] = []
    earned += [(p, "first-post") for p in history.first_timers(week)]
    for person, length in history.streaks(week).items():
        if length in STREAK_BADGES:
            earned.append((person, STREAK_BADGES[length]))
    platforms = this_week.groupby("person")["platform"].nunique()
    earned += [(p, "platforms-3") for p in platforms[platforms >= PLATFORM_BADGE_MINIMUM].index]
    big = this_week[this_week["reach"] >= REACH_BADGE_MINIMUM]
    earned += [(p, "reach-1000") for p in dict.fromkeys(big["person"])]
    earned += [(p, "creative") for p in creative_winners if p]
    names = history.names
    hidden = anonymous_people(staff)
    order = {b.key: i for i, b in enumerate(BADGES)}
    rows = [
        {
            "person": p,
            "name": shown_name(p, names.get(p, p), hidden),
            "key": k,
            "icon": BADGE_BY_KEY[k].icon,
            "label": BADGE_BY_KEY[k].label,
        }
        for p, k in dict.fromkeys(earned)
    ]
    frame = pd.DataFrame(rows, columns=["person", "name", "key", "icon", "label"]).astype("str")
    if frame.empty:
        return frame
    frame["order"] = frame["key"].map(order)
    return frame.sort_values(["name", "person", "order"], kind="stable").drop(columns="order").reset_index(drop=True)


def badges_by_person(badges: pd.DataFrame) -> dict[str, list[str]]:
    """person -> ["🎉 First post", …], for people's cards."""
    result: dict[str, list[str]] = {}
    for person, icon, label in zip(badges["person"], badges["icon"], badges["label"]):
        result.setdefault(person, []).append(f"{icon} {label}")
    return result


# -- the next badge within reach (My progress, the encouragement list) --------------------------------
@dataclass(frozen=True)
class BadgeHint:
    key: str  # the badge's key in BADGES
    steps: int  # how far off: 1 = one more week, platform or good post
    text: str  # what a person reads: "one more week for a 4-week streak"

    @property
    def badge(self) -> Badge:
        return BADGE_BY_KEY[self.key]


REACH_CLOSE = (0.75, 0.5)  # a best recent reach over 75% of the bar is one step away, over 50% two


def streak_runs(posts: pd.DataFrame, week: str) -> dict[str, tuple[int, bool]]:
    """person -> (weeks running, posted in `week`) for everyone at once.

    Someone who has not posted in `week` yet still has the run that ended the week
    before (it stays alive until `week` is over); 0 when that week was silent too.
    """
    target = week_index(week)
    result = {}
    for person, have in active_weeks(posts[posts["week"] <= week]).items():
        posted = target in have
        end = target if posted else target - 1
        run = 0
        while end - run in have:
            run += 1
        result[person] = (run, posted)
    return result


def streak_status(posts: pd.DataFrame, person: str, week: str) -> tuple[int, bool]:
    """(weeks running, posted in `week`) for one person (see streak_runs)."""
    return streak_runs(posts[posts["person"] == person], week).get(person, (0, False))


def next_streak_badge(run: int) -> tuple[int, str] | None:
    """(weeks still to go, badge key) of the next streak badge after a run of `run` weeks; None past the last one."""
    target = next((length for length in sorted(STREAK_BADGES) if run < length), None)
    return None if target is None else (target - run, STREAK_BADGES[target])


def _more(count: int, unit: str) -> str:
    return f"{'one' if count == 1 else count} more {unit}{'s' if count != 1 else ''}"


def next_badges(posts: pd.DataFrame, person: str, week: str) -> list[BadgeHint]:
    """Badges `person` can earn next, nearest first, each with the sentence that says how ("one more week for a 4-week streak").

    Only this person's posts up to the end of `week` count. The streak hint names the
    next streak badge only; the platforms hint appears one platform away; the reach hint
    once a recent post (this week or the four before) came within half of the bar; the
    room's vote is never hinted.
    """
    mine = posts[(posts["person"] == person) & (posts["week"] <= week)]
    if mine.empty:
        return [BadgeHint("first-post", 1, "log a first post for the First post badge")]
    hints: list[BadgeHint] = []
    run, posted = streak_status(mine, person, week)
    if (upcoming := next_streak_badge(run)) is not None:
        remaining, key = upcoming
        hints.append(
            BadgeHint(
                key,
                remaining,
                f"{_more(remaining, 'week')} for a {run + remaining}-week streak"
                + ("" if posted or not run else " (post this week to keep your run going)"),
            )
        )
    this_week = mine[mine["week"] == week]
    platforms = this_week["platform"].nunique()
    if (
        platforms == PLATFORM_BADGE_MINIMUM - 1
    ):  # only one away: nobody should be pushed onto two new networks in a week
        hints.append(
            BadgeHint("platforms-3", 1, f"one more platform this week for {BADGE_BY_KEY['platforms-3'].label}")
        )
    if not (this_week["reach"] >= REACH_BADGE_MINIMUM).any():
        recent = mine[mine["week"].isin([*weeks_before(week, BASELINE_WEEKS), week])]["reach"].max()
        if pd.notna(recent):
            steps = next(
                (n for n, share in enumerate(REACH_CLOSE, start=1) if recent >= share * REACH_BADGE_MINIMUM), None
            )
            if steps:
                hints.append(
                    BadgeHint(
                        "reach-1000",
                        steps,
                        f"a post this week that reaches {REACH_BADGE_MINIMUM:,} people (your best lately: {recent:,.0f})",
                    )
                )
    order = {b.key: i for i, b in enumerate(BADGES)}
    return sorted(hints, key=lambda h: (h.steps, order[h.key]))


# -- categories -------------------------------------------------------------------------------------
CATEGORIES: tuple[tuple[str, str], ...] = (
    ("Top reach", "Most people reached this week (posts within the weekly cap)"),
    ("Most engaging", "Best engagement rate on a post that reached enough people"),
    ("Most creative", "The room's vote"),
    ("Most consistent", "Longest run of weeks with a post"),
    ("Rising star", "Biggest rise against their own last four weeks; a first-ever post counts"),
)


@dataclass(frozen=True)
class Award:
    category: str
    person: str  # "" when nobody qualified
    name: str  # as shown: "Anonymous" for people who opted out
    why: str  # one line a person would read out, or why nobody won
    link: str = ""  # the winning post, when there is one and it may be shown

    @property
    def won(self) -> bool:
        return bool(self.person)


def _post_label(post: pd.Series) -> str:
    title = post_title(post["summary"], post["platform"])
    summary = truncate(title, SUMMARY_LIMIT) if title else ""
    return f"“{summary}” on {post['platform']}" if summary else f"a {post['platform']} post"


def _people(values: pd.Series) -> list[str]:
    """The people sharing the highest value (ties share the award), in name order of their keys."""
    if values.empty:
        return []
    best = values.round(6).max()
    return sorted(values[values.round(6) == best].index)


def weekly_awards(
    posts: pd.DataFrame,
    staff: pd.DataFrame,
    settings: Settings,
    week: str,
    tally: pd.DataFrame | None = None,
    history: PostHistory | None = None,
) -> list[Award]:
    """Every category's winner(s) for `week`, in CATEGORIES order; a category nobody won says why.

    `tally` is the most-creative vote (`rally.weekly.votes.tally`): columns person, votes, summary, platform, link.
    Posts over the weekly cap don't compete.
    """
    history = history or PostHistory(posts, settings)
    hidden = anonymous_people(staff)
    names = history.names
    week_posts = history.week(week)
    week_posts = week_posts[~week_posts["capped"]]
    awards: list[Award] = []

    def award(category: str, person: str, why: str, link: str = "", detail_private: str = "") -> Award:
        anonymous = person in hidden
        return Award(
            category,
            person,
            shown_name(person, names.get(person, person), hidden),
            detail_private if anonymous and detail_private else why,
            "" if anonymous else link,
        )

    # Top reach: total reach of the week's posts.
    reach = week_posts.groupby("person")["reach"].sum()
    reach = reach[reach > 0]
    for person in _people(reach):
        count = int((week_posts["person"] == person).sum())
        awards.append(
            award(
                "Top reach", person, f"{reach[person]:,.0f} people reached with {count} post{'s' if count != 1 else ''}"
            )
        )
    if reach.empty:
        awards.append(Award("Top reach", "", "", "No reach logged for this week yet"))

    # Most engaging: the best rate on one post with enough reach.
    eligible = week_posts[week_posts["reach"] >= max(settings.engagement_min_reach, 1)]
    if eligible.empty:
        awards.append(
            Award("Most engaging", "", "", f"No post reached {settings.engagement_min_reach:,.0f} people this week")
        )
    else:
        rate = eligible["engagements"] / eligible["reach"]
        best = rate.round(6).max()
        winners = eligible[rate.round(6) == best].sort_values(["date", "row"], kind="stable").drop_duplicates("person")
        for _, post in winners.iterrows():
            share = f"{best:.1%} of {post['reach']:,.0f} people reached engaged"
            awards.append(award("Most engaging", post["person"], f"{_post_label(post)}: {share}", post["link"], share))

    # Most creative: the room's vote.
    if tally is None or tally.empty or int(tally["votes"].max()) == 0:
        awards.append(Award("Most creative", "", "", "Voted by the room — no votes yet"))
    else:
        top = int(tally["votes"].max())
        for _, post in tally[tally["votes"] == top].drop_duplicates("person").iterrows():
            said = f"{top} vote{'s' if top != 1 else ''}"
            awards.append(award("Most creative", post["person"], f"{said} for {_post_label(post)}", post["link"], said))

    # Most consistent: weeks running.
    runs = history.streaks(week)
    runs = runs[runs >= CONSISTENT_MIN_WEEKS]
    for person in _people(runs.astype("float64")):
        awards.append(award("Most consistent", person, f"posted {runs[person]} weeks running"))
    if runs.empty:
        awards.append(Award("Most consistent", "", "", f"Nobody has posted {CONSISTENT_MIN_WEEKS} weeks running yet"))

    # Rising star: the biggest rise on their own baseline; a first-ever post is a rise from nothing.
    rise = history.rises(week).set_index("person")
    rise = rise[rise["rise"] > 0]
    newcomers = set(history.first_timers(week))
    for person in _people(rise["rise"]):
        row = rise.loc[person]
        if person in newcomers:
            why = f"first-ever post, {row['points']:,.0f} points straight in"
        else:
            why = f"{row['points']:,.0f} points, up from an average of {row['baseline']:,.0f} over the previous {BASELINE_WEEKS} weeks"
        awards.append(award("Rising star", person, why))
    if rise.empty:
        awards.append(Award("Rising star", "", "", "Nobody beat their own recent average this week"))
    return awards


def creative_winners(awards: list[Award]) -> list[str]:
    return [a.person for a in awards if a.category == "Most creative" and a.won]


__all__ = [
    "ANONYMOUS", "BADGES", "CATEGORIES", "Award", "Badge", "BadgeHint", "PostHistory", "badges_by_person", "badges_earned", "first_timers", "next_badges",
    "rises", "streak_status", "streaks", "weekly_awards",
]  # fmt: skip
