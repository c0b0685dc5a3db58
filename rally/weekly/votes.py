"""The room's most-creative vote: the Votes tab, the week's candidates, and the tally.

Each phone holds a browser-session token; a person may vote as often as they
like, and their latest vote for the week is the one that counts (a repeat
replaces, never adds). Votes are rows with an ID written through the outbox, so
two people voting at once both land, and a row that reaches the Sheet twice
counts once. A vote for a post that isn't one of the week's posts is ignored.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pandas as pd

from rally.core.parsing import link_identity
from rally.core.text import NAME_MAX
from rally.weekly.scoring import anonymous_people, shown_name

CANDIDATE_COLUMNS = {
    "key": "str",
    "person": "str",
    "name": "str",
    "platform": "str",
    "summary": "str",
    "link": "str",
    "reach": "float64",
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

    Opted-out people's posts are listed as "Anonymous" without their link (a profile URL would name them).
    """
    rows = posts[posts["week"] == week].sort_values(["date", "row"], kind="stable")
    hidden = anonymous_people(staff)
    frame = pd.DataFrame(
        {
            "key": [post_key(link, row) for link, row in zip(rows["link"], rows["row"])],
            "person": rows["person"],
            "name": [shown_name(p, n, hidden) for p, n in zip(rows["person"], rows["name"])],
            "platform": rows["platform"],
            "summary": rows["summary"],
            "link": ["" if p in hidden else link for p, link in zip(rows["person"], rows["link"])],
            "reach": rows["reach"],
        }
    )
    return frame.drop_duplicates("key").reset_index(drop=True).astype(CANDIDATE_COLUMNS)


SHORTLIST = 30  # posts a phone lists at once; a big company's week has thousands


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
