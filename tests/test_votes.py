"""The most-creative vote: one vote per token a week (the latest counts), each ID once, nothing lost when people vote at once."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pytest

from data_sources.outbox import Outbox
from data_sources.retry import RetryPolicy
from rally.core.contract import ALL_TABS, SURVEY_ROUNDS, VOTES, WRITTEN_TABS
from rally.core.text import post_title
from rally.sheet.dataset import read_votes
from rally.survey.answers import read_rounds
from rally.weekly.votes import (
    counted_votes,
    find_candidates,
    is_revealed,
    my_vote,
    post_key,
    tally,
    vote_candidates,
    vote_pages,
    vote_round,
    vote_row,
)
from tests.sources import SHEET_KEY, google_source
from tests.test_scoring import post, sheet

WEEK = "2026-W48"
T0 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
NO_WAIT = RetryPolicy(attempts=1_000_000, base_seconds=0.0, cap_seconds=0.0)


def week_sheet(staff=None):
    rows = [
        post("2026-11-23", "Maya Patel", link="https://x.com/maya/1", summary="Drone video of the warehouse"),
        post("2026-11-24", "Leo Martin", link="https://x.com/leo/1", summary="Hackathon recap"),
        post("2026-11-25", "Ana Ruiz", link="https://www.linkedin.com/posts/ana-ruiz_42", summary="My first talk"),
        post("2026-11-26", "Jo", summary="A post without a link"),
        post("2026-11-16", "Maya Patel", link="https://x.com/maya/0"),  # last week: not a candidate
    ]
    return sheet(rows, staff)


def votes_tab(*votes: tuple) -> dict:
    """A Votes tab from (id, minutes after T0, week, post key, token) tuples."""
    rows = [
        [vid, (T0 + timedelta(minutes=m)).strftime("%Y-%m-%dT%H:%M:%S.%fZ"), week, key, token, ""]
        for vid, m, week, key, token in votes
    ]
    return {"Votes": [VOTES.header, *rows]}


def test_the_votes_tab_is_part_of_the_contract():
    """init-sheet creates it and its first column is the ID."""
    assert VOTES in WRITTEN_TABS and VOTES in ALL_TABS
    assert VOTES.header[0] == "ID"


def test_candidates_are_the_weeks_posts_with_opted_out_people_anonymous_unlinked_and_unsummarised():
    """Oldest first; a post without a link is named by its row; an anonymous person's link and summary are withheld."""
    dataset = week_sheet([["Ana Ruiz", "Ops", "anonymous"]])
    candidates = vote_candidates(dataset.posts, dataset.staff, WEEK)
    assert candidates["name"].tolist() == ["Maya Patel", "Leo Martin", "Anonymous", "Jo"]
    assert candidates["link"].tolist() == ["https://x.com/maya/1", "https://x.com/leo/1", "", ""]
    assert candidates["summary"].tolist() == [
        "Drone video of the warehouse",
        "Hackathon recap",
        "",
        "A post without a link",
    ]
    assert candidates["key"].tolist()[3] == "Posts row 5"


# fmt: off
@pytest.mark.parametrize(
    ("names", "size", "expected"),
    [
        (["Ben", "Aisha", "Carlos"], 10, [("Aisha – Carlos", ["Aisha", "Ben", "Carlos"])]),  # A to Z, one page
        (["Ben", "Aisha", "Carlos", "Dana"], 2, [("Aisha – Ben", ["Aisha", "Ben"]), ("Carlos – Dana", ["Carlos", "Dana"])]),
        (["Chloé Dubois", "Carlos", "Daniel"], 10, [("Carlos – Daniel", ["Carlos", "Chloé Dubois", "Daniel"])]),  # accents sort as their letter
        (["maya", "Leo"], 10, [("Leo – maya", ["Leo", "maya"])]),  # case aside
        (["Maya A", "Maya B"], 10, [("Maya A – Maya B", ["Maya A", "Maya B"])]),  # one first name: the whole names say it
        (["Maya", "Maya", "Maya"], 2, [("Maya", ["Maya", "Maya"]), ("Maya (2)", ["Maya"])]),  # one person's many posts
        ([], 10, []),
    ],
)
# fmt: on
def test_a_phone_pages_the_posts_a_to_z_by_who_posted(names, size, expected):
    """Every post on exactly one page, each page labelled by the names it holds: a tap on a page, a tap on the post."""
    candidates = pd.DataFrame(
        {"key": [f"k{i}" for i in range(len(names))], "name": names, "date": pd.to_datetime(["2026-11-23"] * len(names))}
    )
    by_key = dict(zip(candidates["key"], candidates["name"]))
    assert [(label, [by_key[k] for k in keys]) for label, keys in vote_pages(candidates, size)] == expected


# fmt: off
@pytest.mark.parametrize(
    ("summary", "platform", "title"),
    [
        ("Blog: Behind the scenes", "Blog", "Behind the scenes"),  # the platform said twice
        ("blog : Behind the scenes", "Blog", "Behind the scenes"),
        ("Case study: Acme", "LinkedIn", "Case study: Acme"),  # a colon of its own stays
        ("Blog:", "Blog", "Blog:"),  # nothing after it: kept as typed
        ("  Spaced   out  ", "X", "Spaced out"),
    ],
)
# fmt: on
def test_a_title_does_not_repeat_its_platform(summary, platform, title):
    """"Blog — Blog: …" no more: a leading platform name is left off the summary shown beside it."""
    assert post_title(summary, platform) == title


def test_a_week_s_vote_is_revealed_by_a_survey_rounds_row():
    """A `show results` row for "Vote <week>" reveals that week's vote only; a later `hide results` hides it again."""
    shown = read_rounds({"Survey Rounds": [SURVEY_ROUNDS.header, ["a", "1", "2026-11-30", vote_round(WEEK), "show results"]]}, [], date(2026, 11, 30))
    assert is_revealed(shown, WEEK) and not is_revealed(shown, "2026-W47")
    hidden = read_rounds({"Survey Rounds": [SURVEY_ROUNDS.header, ["a", "1", "", vote_round(WEEK), "show results"], ["b", "2", "", vote_round(WEEK), "hide results"]]}, [], date(2026, 11, 30))
    assert not is_revealed(hidden, WEEK)
    assert shown.current == "2026-11"  # a vote's reveal is no survey round: the survey's round is untouched


# fmt: off
@pytest.mark.parametrize(
    ("votes", "expected"),
    [
        ([("a", 0, WEEK, "https://x.com/maya/1", "t1"), ("b", 1, WEEK, "https://x.com/leo/1", "t2")], {"Maya Patel": 1, "Leo Martin": 1}),
        ([("a", 0, WEEK, "https://x.com/maya/1", "t1"), ("b", 5, WEEK, "https://x.com/leo/1", "t1")], {"Leo Martin": 1}),  # a repeat replaces, never adds
        ([("b", 5, WEEK, "https://x.com/leo/1", "t1"), ("a", 0, WEEK, "https://x.com/maya/1", "t1")], {"Leo Martin": 1}),  # the latest by time wins, whatever the row order
        ([("a", 0, WEEK, "https://x.com/maya/1", "t1"), ("a", 0, WEEK, "https://x.com/maya/1", "t1")], {"Maya Patel": 1}),  # the same ID twice (a retried append) is one vote
        ([("a", 0, "2026-W47", "https://x.com/maya/1", "t1")], {}),  # another week's vote
        ([("a", 0, WEEK, "https://x.com/maya/0", "t1")], {}),  # a post that isn't one of the week's
        ([("a", 0, WEEK, "https://X.COM/maya/1/", "t1")], {"Maya Patel": 1}),  # links compare as build_dataset compares them
        ([("a", 0, WEEK, "https://x.com/maya/1", "")], {}),  # no token, no vote
        ([("a", 0, WEEK, "Posts row 5", "t1")], {"Jo": 1}),
    ],
)
# fmt: on
def test_one_vote_per_token_a_week(votes, expected):
    """The tally counts each token's latest vote for the week, for the week's posts only."""
    dataset = week_sheet()
    result = tally(read_votes(votes_tab(*votes)), vote_candidates(dataset.posts, dataset.staff, WEEK), WEEK)
    assert dict(zip(result["name"], result["votes"])) == expected


def test_the_tally_is_ordered_by_votes():
    """Most votes first."""
    dataset = week_sheet()
    votes = votes_tab(("a", 0, WEEK, "https://x.com/maya/1", "t1"), ("b", 0, WEEK, "https://x.com/leo/1", "t2"), ("c", 0, WEEK, "https://x.com/leo/1", "t3"))
    assert tally(read_votes(votes), vote_candidates(dataset.posts, dataset.staff, WEEK), WEEK)["name"].tolist() == ["Leo Martin", "Maya Patel"]


def test_queued_votes_count_before_they_reach_the_sheet():
    """A vote still in this server's outbox is in the tally, and once in the Sheet it isn't counted twice."""
    queued = {"ID": "q", "Timestamp": "2026-11-30T10:00:00.000000Z", "Week": WEEK, "Post link": "https://x.com/leo/1", "Voter token": "t9", "Name": ""}
    both = read_votes(votes_tab(("q", 60, WEEK, "https://x.com/leo/1", "t9")), [queued])
    assert len(both) == 1
    assert my_vote(read_votes({}, [queued]), WEEK, "t9") == "https://x.com/leo/1"


def test_a_vote_row_is_raw_text_with_a_trimmed_name():
    """The row the outbox writes: UTC timestamp, week, post key, token, a name cut to 80 characters."""
    row = vote_row(WEEK, "https://x.com/leo/1", "t1", "  =HYPERLINK(\"x\")   " + "a" * 100, now=T0)
    assert row["Timestamp"] == "2026-11-30T09:00:00.000000Z"
    assert row["Name"].startswith('=HYPERLINK("x")') and len(row["Name"]) == 80
    assert set(row) | {"ID"} == set(VOTES.header)


def test_post_keys_follow_link_identity():
    """Host case and a trailing slash don't make a different post; no link means the row."""
    assert post_key("https://X.com/a/1/", 7) == post_key("https://x.com/a/1", 9)
    assert post_key("", 7) == "Posts row 7"


def test_counted_votes_keep_the_latest_per_token():
    """Three votes from one phone and one from another: two count."""
    votes = read_votes(votes_tab(("a", 0, WEEK, "k1", "t1"), ("b", 1, WEEK, "k2", "t1"), ("c", 2, WEEK, "k3", "t1"), ("d", 0, WEEK, "k1", "t2")))
    assert sorted(counted_votes(votes, WEEK)["Post link"]) == ["k1", "k3"]


def test_twenty_people_voting_at_once_through_the_outbox_all_land_once(sheets_emulator, tmp_path):
    """Votes submitted from twenty threads reach the Sheet once each, through throttling, and the tally counts twenty."""
    source = google_source(sheets_emulator, tmp_path, {"Posts": [["Date", "Name", "Platform"]]})
    sheets_emulator.fault_rate(0.3, status=429)
    box = Outbox(tmp_path / "outbox.sqlite", source, policy=NO_WAIT, clock=lambda: 0.0)

    def vote(n: int) -> None:
        box.submit(VOTES.name, VOTES.header, vote_row(WEEK, "https://x.com/leo/1", f"token-{n}", now=T0 + timedelta(seconds=n)))

    threads = [threading.Thread(target=vote, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for _ in range(200):
        box.flush()
        if not box.pending():
            break
    sheets_emulator.fault_rate(0.0)
    assert not box.pending()
    dataset = week_sheet()
    votes = read_votes(source.fetch().tabs)
    assert len(votes) == 20 and votes["ID"].is_unique
    assert tally(votes, vote_candidates(dataset.posts, dataset.staff, WEEK), WEEK)["votes"].tolist() == [20]
    assert sheets_emulator.values(SHEET_KEY, "Votes")[0] == VOTES.header


def test_a_sent_vote_stays_visible_until_the_next_read_can_hold_it(tmp_path):
    """A vote sent after a read began is still handed to a reader of that read (pending with sent_since), then drops off."""
    from data_sources.local_store import LocalStore

    now = [1000.0]
    box = Outbox(tmp_path / "outbox.sqlite", LocalStore(tmp_path / "store.sqlite"), policy=NO_WAIT, clock=lambda: now[0])
    box.submit(VOTES.name, VOTES.header, vote_row(WEEK, "https://x.com/leo/1", "t1", now=T0))
    read_began = now[0]
    assert len(box.pending(VOTES.name)) == 1
    now[0] += 1
    box.flush()
    assert box.pending(VOTES.name) == [] and len(box.pending(VOTES.name, sent_since=read_began)) == 1
    now[0] += 8
    assert box.pending(VOTES.name, sent_since=now[0]) == []


def listed_candidates():
    data = week_sheet()
    return vote_candidates(data.posts, data.staff, WEEK)


# fmt: off
@pytest.mark.parametrize(
    ("query", "limit", "keep", "listed", "matching"),
    [
        ("", 30, None, ["Maya Patel", "Leo Martin", "Ana Ruiz", "Jo"], 4),  # a small week: every post, oldest first
        ("", 2, None, ["Maya Patel", "Leo Martin"], 4),  # a big one: the first few, and how many there are
        ("maya", 30, None, ["Maya Patel"], 1),  # a name, any case
        ("HACKATHON", 30, None, ["Leo Martin"], 1),  # a word of the summary
        ("my talk", 30, None, ["Ana Ruiz"], 1),  # every word must be there, in any order
        ("my drone", 30, None, [], 0),  # words from two different posts match neither
        ("leo", 30, "https://x.com/maya/1", ["Maya Patel", "Leo Martin"], 1),  # this session's vote stays listed whatever the search
        ("", 2, "Posts row 5", ["Jo", "Maya Patel", "Leo Martin"], 4),  # ... and past the limit
        ("(", 30, None, [], 0),  # a search is text, never a pattern
    ],
)
# fmt: on
def test_a_phone_lists_a_few_posts_found_by_who_or_what(query, limit, keep, listed, matching):
    """With thousands of posts a week the Vote page lists a shortlist; a search finds the post a person has in mind."""
    shown, found = find_candidates(listed_candidates(), query, limit=limit, keep=keep)
    assert shown["name"].tolist() == listed and found == matching
