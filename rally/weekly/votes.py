"""The room's most-creative vote: the Votes tab, the week's candidates, and the tally.

Each phone holds a browser-session token; a person may vote as often as they
like, and their latest vote for the week is the one that counts (a repeat
replaces, never adds). Votes are rows with an ID written through the outbox, so
two people voting at once both land, and a row that reaches the Sheet twice
counts once. A vote for a post that isn't one of the week's posts is ignored.
"""

from __future__ import annotations

import unicodedata
import uuid
from datetime import UTC, datetime

import pandas as pd

from rally.core.parsing import link_identity
from rally.core.text import NAME_MAX, post_title
from rally.survey.answers import Rounds
from rally.weekly.scoring import anonymous_people, shown_name

CANDIDATE_COLUMNS = {
    "key": "str",
    "person": "str",
    "name": "str",
    "platform": "str",
    "summary": "str",  # the title as shown: a leading "Blog:" that repeats the platform left off; "" when anonymous
    "link": "str",
    "reach": "float64",
    "date": "datetime64[ns]",
}
TALLY_COLUMNS = {**CANDIDATE_COLUMNS, "votes": "int64"}


def new_voter_token() -> str:
    """A random token for one browser session: it says nothing about who holds it."""
    return uuid.uuid4().hex


def post_key(link: str, row: int) -> str:
    """What a vote names: the post's link (as build_dataset compares links), or its Posts row when it has none."""
    return link_identity(link) if link.strip() else f"Posts row {row}"


def vote_candidates(posts: pd.DataFrame, staff: pd.DataFrame, week: str) -> pd.DataFrame:
    """The week's posts as the Vote page lists them, oldest first.

    Opted-out people's posts are listed as "Anonymous" with neither summary nor link: a profile URL names
    them, and so may what they wrote ("our team's trip to…").
    """
    rows = posts[posts["week"] == week].sort_values(["date", "row"], kind="stable")
    hidden = anonymous_people(staff)
    anonymous = rows["person"].isin(hidden).tolist()
    frame = pd.DataFrame(
        {
            "key": [post_key(link, row) for link, row in zip(rows["link"], rows["row"])],
            "person": rows["person"],
            "name": [shown_name(p, n, hidden) for p, n in zip(rows["person"], rows["name"])],
            "platform": rows["platform"],
            "summary": ["" if a else post_title(s, p) for a, s, p in zip(anonymous, rows["summary"], rows["platform"])],
            "link": ["" if a else link for a, link in zip(anonymous, rows["link"])],
            "reach": rows["reach"],
            "date": rows["date"],
        }
    )
    return frame.drop_duplicates("key").reset_index(drop=True).astype(CANDIDATE_COLUMNS)


SHORTLIST = 30  # posts a search lists at once
PAGE_SIZE = 10  # posts a phone shows on one page of the list: one tap picks the page, one the post
SEARCH_FROM = 100  # a week with more posts than this offers a search box above the pages


def vote_pages(candidates: pd.DataFrame, size: int = PAGE_SIZE) -> list[tuple[str, list[str]]]:
    """The posts in pages a phone shows one at a time, A to Z by who posted (then oldest first): (label, keys) each.

    A page's label says whose posts it holds ("Aisha – Ben"), as a phone's contact list does, so a person
    finds a colleague's post with one tap on the page and one on the post.
    """
    if candidates.empty:
        return []
    order = candidates.assign(_sort=candidates["name"].map(sort_key)).sort_values(
        ["_sort", "date", "key"], kind="stable"
    )
    pages: list[tuple[str, list[str]]] = []
    seen: dict[str, int] = {}
    for start in range(0, len(order), size):
        chunk = order.iloc[start : start + size]
        first, last = chunk["name"].iloc[0], chunk["name"].iloc[-1]
        # First names say it ("Aisha – Ben") unless they are the same; then the whole names do.
        short = first.split()[0], last.split()[0]
        label = f"{short[0]} – {short[1]}" if short[0] != short[1] else first if first == last else f"{first} – {last}"
        seen[label] = seen.get(label, 0) + 1
        pages.append((label if seen[label] == 1 else f"{label} ({seen[label]})", chunk["key"].tolist()))
    return pages


def week_vote_pages(posts: pd.DataFrame, staff: pd.DataFrame, week: str) -> list[tuple[str, list[str]]]:
    """`vote_pages` of the week's candidates: what every phone shows before a search (computed once per data version)."""
    return vote_pages(vote_candidates(posts, staff, week))


def sort_key(name: str) -> str:
    """A to Z as people read it: case and accents aside ("Chloé" between "Carlos" and "Daniel")."""
    return "".join(c for c in unicodedata.normalize("NFKD", name.casefold()) if not unicodedata.combining(c))


def vote_round(week: str) -> str:
    """The Survey Rounds name under which a week's vote is revealed: "Vote 2026-W49" (see `is_revealed`)."""
    return f"Vote {week}"


def is_revealed(rounds: Rounds, week: str) -> bool:
    """Whether the facilitator revealed `week`'s vote: a `show results` row for "Vote <week>" on Survey Rounds.

    The reveal is a row in the Sheet, not a setting in one browser: every screen (a reload, a second
    projector, the Leaderboard page) shows the result from the moment it is written.
    """
    return rounds.is_revealed(vote_round(week))


def find_candidates(
    candidates: pd.DataFrame, query: str = "", limit: int = SHORTLIST, keep: str | None = None
) -> tuple[pd.DataFrame, int]:
    """(the posts to list, how many match): those whose name, platform or summary hold every word of `query`, oldest first, at most `limit`.

    The post `keep` (this session's current vote) stays listed whatever the search, so a vote is never silently dropped from the form.
    """
    words = query.casefold().split()
    if words:
        text = (candidates["name"] + " " + candidates["platform"] + " " + candidates["summary"]).str.casefold()
        matches = pd.Series(True, index=candidates.index)
        for word in words:
            matches &= text.str.contains(word, regex=False)
        found = candidates[matches]
    else:
        found = candidates
    shown = found.head(limit)
    if keep is not None and keep not in set(shown["key"]):
        shown = pd.concat([candidates[candidates["key"] == keep], shown], ignore_index=True)
    return shown.reset_index(drop=True), len(found)


def vote_row(week: str, key: str, token: str, name: str = "", now: datetime | None = None) -> dict[str, str]:
    """The Votes row for one vote (the outbox adds the ID)."""
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    return {
        "Timestamp": moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "Week": week,
        "Post link": key,
        "Voter token": token,
        "Name": " ".join(name.split())[:NAME_MAX],
    }


def counted_votes(votes: pd.DataFrame, week: str) -> pd.DataFrame:
    """One vote per voter token for `week`: the latest (by timestamp, then by order of arrival)."""
    mine = votes[(votes["Week"].str.strip().str.upper() == week.upper()) & (votes["Voter token"].str.strip() != "")]
    mine = mine.assign(_order=range(len(mine)))
    latest = mine.sort_values(["Timestamp", "_order"], kind="stable").drop_duplicates("Voter token", keep="last")
    return latest.sort_values("_order").drop(columns="_order").reset_index(drop=True)


def tally(votes: pd.DataFrame, candidates: pd.DataFrame, week: str) -> pd.DataFrame:
    """Votes per candidate post, most first (ties in list order); posts without a vote are left out."""
    counted = counted_votes(votes, week)
    keys = counted["Post link"].map(lambda k: k if k.startswith("Posts row ") else link_identity(k))
    per_key = keys.value_counts()
    result = candidates.assign(votes=candidates["key"].map(per_key).fillna(0).astype("int64"))
    result = result[result["votes"] > 0]
    return result.sort_values("votes", ascending=False, kind="stable").reset_index(drop=True).astype(TALLY_COLUMNS)


def my_vote(votes: pd.DataFrame, week: str, token: str) -> str | None:
    """The post key this voter's vote currently counts for, or None."""
    counted = counted_votes(votes, week)
    mine = counted[counted["Voter token"] == token]
    return None if mine.empty else str(mine.iloc[-1]["Post link"])
