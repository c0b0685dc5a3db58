"""Post numbers imported from a platform's export (the Post numbers tab), laid over the Posts tab by link.

An import never rewrites cells people typed in Posts: it appends rows to a tab of its own
(ID, Imported, Source, Link, Reach, Reactions, Comments, Shares, Clicks), written through the
outbox like every other row. When the dataset is built, the newest imported numbers of a link
replace that post's typed ones (a blank imported cell keeps the typed number).

Links are matched by the post they point at, not by their spelling: LinkedIn shows one post as
`…/feed/update/urn:li:activity:7123…` in its export and `…/posts/maya_…-activity-7123…-AbCd?utm…`
when shared, so a LinkedIn link is keyed by its activity (or ugcPost/share) number; any other
link by host and path, ignoring case, "www.", the query and a trailing slash.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit

import pandas as pd

from rally.core.contract import POST_NUMBERS
from rally.core.parsing import parse_numbers
from rally.core.records import QueuedRow, read_records

NUMBER_COLUMNS = {
    "Reach": "reach",
    "Reactions": "reactions",
    "Comments": "comments",
    "Shares": "shares",
    "Clicks": "clicks",
}
ENGAGEMENT_PARTS = ["reactions", "comments", "shares", "clicks"]
_LINKEDIN_POST = re.compile(r"(?:activity|ugcpost|share)[:\-](\d{15,25})", re.IGNORECASE)


def link_key(url: str) -> str:
    """What identifies the post a link points at: 'linkedin:7123…' for LinkedIn, else host and path."""
    text = str(url or "").strip()
    if not text:
        return ""
    if "linkedin." in text.lower():
        match = _LINKEDIN_POST.search(text)
        if match:
            return f"linkedin:{match[1]}"
    parts = urlsplit(text if "://" in text else f"https://{text}")
    host = (parts.hostname or "").lower().removeprefix("www.")
    return f"{host}{parts.path.rstrip('/')}" if host else text.lower()


def imported_numbers(tabs: Mapping[str, list[list]], queued: Iterable[QueuedRow] = ()) -> pd.DataFrame:
    """The newest imported numbers per link key (index), one float column per metric (NaN where the import had none).

    `queued`: imported rows this server has not seen in the Sheet yet, so an import counts at once.
    """
    records = read_records(tabs, POST_NUMBERS, queued)
    records = records[records["Link"] != ""]
    if records.empty:
        return pd.DataFrame(columns=list(NUMBER_COLUMNS.values()), dtype="float64")
    numbers = pd.DataFrame({metric: parse_numbers(records[column])[0] for column, metric in NUMBER_COLUMNS.items()})
    numbers["key"] = records["Link"].map(link_key).to_numpy()
    return numbers.drop_duplicates("key", keep="last").set_index("key")  # a later import wins


def apply_post_numbers(
    posts: pd.DataFrame, tabs: Mapping[str, list[list]], queued: Iterable[QueuedRow] = ()
) -> pd.DataFrame:
    """Posts with the imported numbers of their link in place of the typed ones; engagements added up again."""
    numbers = imported_numbers(tabs, queued)
    if numbers.empty or posts.empty:
        return posts
    keys = posts["link"].map(link_key)
    matched = keys.isin(numbers.index) & (keys != "")
    if not matched.any():
        return posts
    posts = posts.copy()
    for metric in NUMBER_COLUMNS.values():
        imported = keys[matched].map(numbers[metric])
        posts.loc[matched, metric] = imported.where(imported.notna(), posts.loc[matched, metric])
    posts["engagements"] = posts[ENGAGEMENT_PARTS].fillna(0).sum(axis=1)
    return posts
