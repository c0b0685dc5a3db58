"""The encouragement list: each rule as a table row, and the list kept to the facilitator's own page."""

from __future__ import annotations

import re

import pytest

from rally.sheet.dataset import build_dataset
from rally.staff.encouragement import RULES, encouragement_list
from tests.apptest import PAGES, ROOT, app, texts

W47 = "2026-W47"  # the week reviewed; 2026-W48 is the week in progress


def weekly(name: str, *mondays: str) -> list[list[str]]:
    return [[day, name, "LinkedIn", ""] for day in mondays]


POSTS = [
    ["2026-11-17", "Ana New", "LinkedIn", "Our new office"],  # first-ever post in W47
    ["2026-10-19", "Dan Quiet", "X", ""],  # last post W43: four silent weeks by W47
    ["2026-10-26", "Eve Three", "X", ""],  # last post W44: three silent weeks, not yet
    *weekly("Fay Streak", "2026-11-02", "2026-11-09", "2026-11-16"),  # 3 weeks running, not yet in W48
    *weekly(
        "Gus Nine",
        *[f"2026-{d}" for d in ("09-21", "09-28", "10-05", "10-12", "10-19", "10-26", "11-02", "11-09", "11-16")],
    ),  # 9 weeks
    *weekly("Hal Two", "2026-11-09", "2026-11-16"),  # 2 weeks: two away from a badge, not listed
    *weekly("Kim Posted", "2026-11-09", "2026-11-16", "2026-11-23"),  # 3 weeks with W48 done: one more week from W48
    [
        "2026-11-24",
        "Ivy Later",
        "Blog",
        "",
    ],  # trained, first post after the week: neither "yet to post" nor a first post in W47
    ["2026-10-12", "Jon Back", "X", ""],
    ["2026-11-25", "Jon Back", "X", ""],  # silent since W42 but back in W48: not "silent"
]
STAFF = [
    ["Name", "Team", "Trained"],
    ["Ben Trained", "Sales", "Analytics"],
    ["Cara Untrained", "Sales", ""],  # no training, no post: the training tracker's "not started", not this list
    ["Ivy Later", "Ops", "Analytics, Company message"],
    ["Dan Quiet", "Ops", "Analytics"],
]


@pytest.fixture(scope="module")
def nudges():
    data = build_dataset({"Posts": [["Date", "Name", "Platform", "Summary"], *POSTS], "Staff": STAFF})
    return encouragement_list(data.posts, data.staff, data.training, W47)


# fmt: off
@pytest.mark.parametrize(
    ("rule", "name", "why", "step"),
    [
        ("first-post", "Ana New", "“Our new office” on LinkedIn, Tue 17 Nov", "Say well done — in the meeting or in person."),
        ("trained-not-posted", "Ben Trained", "trained in 1 module, no post yet", "Pair them with a buddy for a first post."),
        ("gone-quiet", "Dan Quiet", "last post 19 Oct 2026 — 4 weeks ago", "Check in: ask what got in the way, and offer an easy idea to post about."),
        ("close-to-badge", "Fay Streak", "🔥 3 weeks running, not yet this week — one more week for the 4-week streak badge", "Cheer them on: one more week of posting earns the badge."),
        ("close-to-badge", "Gus Nine", "🏆 9 weeks running, not yet this week — one more week for the 10-week streak badge", "Cheer them on: one more week of posting earns the badge."),
        # Posted in the week in progress already: 3 weeks running, the badge comes with next week's post.
        ("close-to-badge", "Kim Posted", "🔥 3 weeks running — one more week for the 4-week streak badge", "Cheer them on: one more week of posting earns the badge."),
    ],
)
# fmt: on
def test_each_rule_names_the_person_why_and_a_next_step(nudges, rule, name, why, step):
    """One row per person and rule, with the reason and the suggested next step."""
    rows = nudges[(nudges["rule"] == rule) & (nudges["name"] == name)]
    assert rows[["why", "step"]].values.tolist() == [[why, step]]


@pytest.mark.parametrize(
    "name",
    [
        "Cara Untrained",  # not trained, never posted: invited by the training tracker instead
        "Eve Three",  # three silent weeks is not yet four
        "Hal Two",  # two weeks from a badge is not close
        "Ivy Later",  # trained, and posted after the week: not "yet to post"
        "Jon Back",  # came back after the week: not silent
    ],
)
def test_people_no_rule_fits_are_left_off(nudges, name):
    assert name not in set(nudges["name"])


def test_the_list_is_in_rule_order(nudges):
    order = [r.key for r in RULES]
    assert nudges["rule"].map(order.index).is_monotonic_increasing


def test_an_empty_sheet_gives_an_empty_list():
    data = build_dataset({})
    assert encouragement_list(data.posts, data.staff, data.training, W47).empty


def test_only_the_encouragement_page_uses_the_list_and_only_behind_the_sign_in():
    """No projected, staff or director page can show it: one page imports it, after the facilitator gate."""
    users = [p for p in PAGES if "rally.staff.encouragement" in (ROOT / p).read_text() or "encouragement_list" in (ROOT / p).read_text()]
    assert users == ["views/encouragement.py"]
    source = (ROOT / users[0]).read_text()
    gate = re.search(r"if not facilitator_gate\(.*\):\n\s+st\.stop\(\)", source)
    body = source[source.index("\n\n", source.index("from ui.access")) :]  # after the imports
    assert gate and gate.start() < source.index("encouragement_list", len(source) - len(body))


def test_without_signing_in_the_page_shows_no_names(demo_app_env):
    at = app("views/encouragement.py")
    shown = texts(at)
    assert "Facilitator only" in shown and "Grace Mwangi" not in shown and not at.metric


def test_signed_in_the_facilitator_sees_every_rule_on_the_demo(demo_app_env):
    """The demo has someone for each rule (first posters, trained-but-silent, lapsed, near a streak badge)."""
    at = app("views/encouragement.py")
    at.session_state["rally_facilitator"] = True
    at.run()
    assert not at.exception and not at.error
    counts = {m.label: int(m.value) for m in at.metric}
    assert list(counts) == [r.title for r in RULES] and all(counts.values()), counts
