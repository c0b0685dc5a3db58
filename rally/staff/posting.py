"""Logging a post from Rally (the phone form): what is checked, and the row written under the Sheet's own header.

The Posts tab is the company's own: its columns may be in any order, spelt loosely,
with blank or extra columns. A logged post is written as one row under that header
(cell for cell), and any column the row needs but the tab lacks (the ID, say) is
named at the end of the header first, so nothing typed is silently dropped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date

import pandas as pd

from rally.core.names import NameMatch, match_name
from rally.core.parsing import clean_name, is_web_link, link_identity, name_key
from rally.core.records import PENDING_ROW
from rally.core.text import NAME_MAX

PLATFORM_CHOICES: tuple[str, ...] = ("LinkedIn", "X", "Facebook", "Instagram", "Blog", "TikTok", "YouTube")
METRIC_COLUMNS: tuple[str, ...] = ("Reach", "Reactions", "Comments", "Shares", "Clicks")
SUMMARY_MAX = 200
# Caps on what a typed field may hold: a platform is a word or two, a post's address well under 2,000 characters.
PLATFORM_MAX = 40
LINK_MAX = 2000
ANONYMOUS = "Anonymous"


@dataclass(frozen=True)
class NewPost:
    """What the form collected; metrics are whole numbers or None (to be filled in later in the Sheet)."""

    name: str
    platform: str
    link: str
    summary: str
    day: date
    metrics: Mapping[str, int | None] = field(default_factory=dict)
    new_person: bool = False  # the person said they are not on the Staff tab (nobody is added without saying so)

    def cells(self) -> dict[str, str]:
        """Contract column -> cell text. Dates are ISO (Rally reads them whatever the Sheet's locale)."""
        cells = {
            "Date": self.day.isoformat(),
            "Name": clean_name(self.name),
            "Platform": clean_name(self.platform),
            "Link": self.link.strip(),
            "Summary": " ".join(self.summary.split()),
        }
        cells.update({column: str(int(value)) for column, value in self.metrics.items() if value is not None})
        return cells


def already_logged(posts: pd.DataFrame, staff: pd.DataFrame, link: str) -> str | None:
    """'already logged on 2026-11-16 by Maya Patel' when a counted post (pending ones included) has this link.

    Someone on the anonymous leaderboard is named "Anonymous" here too.
    """
    if not link.strip() or posts.empty:
        return None
    wanted = link_identity(link)
    same = posts[posts["link"].map(link_identity) == wanted]
    if same.empty:
        return None
    first = same.sort_values(["pending", "row"]).iloc[0]
    hidden = set(staff["person"][staff["anonymous"]])
    who = ANONYMOUS if first["person"] in hidden else first["name"]
    return f"already logged on {first['date']:%Y-%m-%d} by {who}"


def who_is(name: str, staff: pd.DataFrame, posts: pd.DataFrame) -> NameMatch:
    """Who a typed name is: a Staff name for certain (case, spaces, accents aside), else the close ones to ask about.

    Someone who posted before without a Staff row is known too, unless a Staff name is close to theirs (then a
    ghost such as "Maya" beside Maya Patel is asked about again, never taken as settled). Without a Staff tab the
    names people have posted under are the list.
    """
    listed = staff["name"].tolist()
    match = match_name(name, listed)
    if match.known:
        return match
    posted = [n for n in dict.fromkeys(posts["name"]) if n not in set(listed)]
    earlier = match_name(name, posted)
    if earlier.known and not match.suggestions:
        return earlier
    return NameMatch(name, None, tuple(dict.fromkeys((*match.suggestions, *earlier.suggestions)))[:3])


def with_staff_name(post: NewPost, staff: pd.DataFrame, posts: pd.DataFrame) -> NewPost:
    """The post under the name as the Staff tab spells it ("chloe dubois" is written Chloé Dubois, never a new person)."""
    match = who_is(post.name, staff, posts)
    return replace(post, name=match.name) if match.known else post


def name_question(match: NameMatch) -> str:
    """What the form asks about a name it doesn't know: "Did you mean Maya Patel?" when one is close."""
    typed = clean_name(match.typed)
    if match.suggestions:
        return f"“{typed}” isn't on the Staff list. Did you mean {' or '.join(match.suggestions)}?"
    return f"“{typed}” isn't on the Staff list yet. Pick your name from the list, or say you're new."


def post_problems(post: NewPost, posts: pd.DataFrame, staff: pd.DataFrame, today: date) -> list[str]:
    """Everything wrong with the form, as sentences a person can act on (empty when it may be logged)."""
    problems = []
    if not clean_name(post.name):
        problems.append("Pick your name from the list, or type it.")
    elif len(clean_name(post.name)) > NAME_MAX:
        problems.append(f"Keep your name to {NAME_MAX} characters.")
    elif not post.new_person and not (match := who_is(post.name, staff, posts)).known:
        problems.append(name_question(match))
    if not clean_name(post.platform):
        problems.append("Pick the platform you posted on.")
    elif len(clean_name(post.platform)) > PLATFORM_MAX:
        problems.append(f"Keep the platform's name to {PLATFORM_MAX} characters.")
    link = post.link.strip()
    if len(link) > LINK_MAX:
        problems.append(f"That link is over {LINK_MAX:,} characters: copy the post's own link from its Share menu.")
    elif not link:
        problems.append("Paste the link to your post (copy it from the post's Share menu).")
    elif not is_web_link(link):
        problems.append("The link must start with http:// or https:// — copy it from the post's Share menu.")
    elif message := already_logged(posts, staff, link):
        problems.append(f"That link is {message}.")
    if post.day > today:
        problems.append("The date can't be in the future.")
    if len(post.summary) > SUMMARY_MAX:
        problems.append(f"Keep the summary to one line ({SUMMARY_MAX} characters).")
    if any(v is not None and v < 0 for v in post.metrics.values()):
        problems.append("Numbers can't be negative.")
    return problems


def recent_posts(posts: pd.DataFrame, name: str, limit: int = 5) -> pd.DataFrame:
    """A person's latest posts, newest first, for "your posts" under the form (pending ones included)."""
    mine = posts[posts["person"] == name_key(name)]
    # Within a day, posts logged here (row 0, not read back from the Sheet yet) are the newest, the last queued
    # first (they follow the Sheet's rows in the order they were sent); then the Sheet's, lowest in the tab first.
    order = mine.assign(queued=mine["row"] == PENDING_ROW, sent=range(len(mine))).sort_values(
        ["date", "queued", "row", "sent"], ascending=[False, False, False, False], kind="stable"
    )
    return order.drop(columns=["queued", "sent"]).head(limit).reset_index(drop=True)


def staff_spelling(name: str, staff: pd.DataFrame) -> str:
    """A typed name as the Staff tab spells it ('maya  patel', 'Chloe Dubois' -> 'Maya Patel', 'Chloé Dubois'); anyone else as typed, tidied."""
    match = match_name(name, staff["name"])
    return match.name if match.known else clean_name(name)
