"""No ghosts: a typed name is a Staff name for certain, a close one to ask about, or a new person only when they say so."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from rally.core.names import closest_name, fold, match_name
from rally.sheet.dataset import build_dataset
from rally.sheet.health import unknown_names
from rally.staff.posting import NewPost, post_problems, recent_posts, who_is, with_staff_name

STAFF = ["Maya Patel", "Chloé Dubois", "Siobhán O'Neill", "Ben Hughes", "Ben Okafor", "Elena Rossi", "Helen Park"]


# fmt: off
@pytest.mark.parametrize(
    ("typed", "name", "suggestions"),
    [
        ("Maya Patel", "Maya Patel", ()),
        ("  maya   PATEL ", "Maya Patel", ()),  # case and spaces aside: the same person
        ("Chloe Dubois", "Chloé Dubois", ()),  # accents aside
        ("siobhan o'neill", "Siobhán O'Neill", ()),
        ("Siobhan ONeill", None, ("Siobhán O'Neill",)),  # punctuation dropped: close, not certain
        ("Maya", None, ("Maya Patel",)),  # a first name alone: asked about, never a new person
        ("Patel", None, ("Maya Patel",)),  # a last name alone
        ("Maya Patle", None, ("Maya Patel",)),  # a typo
        ("Mya Patel", None, ("Maya Patel",)),
        ("Patel Maya", None, ("Maya Patel",)),  # the words swapped
        ("Ben", None, ("Ben Hughes", "Ben Okafor")),  # two Bens: both offered
        ("Elen", None, ("Elena Rossi", "Helen Park")),
        ("Zed Quinn", None, ()),  # nobody close: a new person, if they say so
        ("Maria", None, ()),  # "Amara" and "Maya" are not close enough to offer
        ("", None, ()),
    ],
)
# fmt: on
def test_a_typed_name_is_matched_or_asked_about(typed, name, suggestions):
    """Certain matches are the Staff spelling; close ones are offered closest first; far ones are nobody."""
    found = match_name(typed, STAFF)
    assert (found.name, found.suggestions) == (name, suggestions)


def test_folding_takes_off_case_accents_and_punctuation():
    """How names compare: "Siobhán O'Neill" and "siobhan o neill" are one key."""
    assert fold("Siobhán  O'Neill") == fold("siobhan o neill") == "siobhan o neill"


TODAY = date(2026, 11, 18)
SHEET = {
    "Posts": [
        ["Date", "Name", "Platform", "Link"],
        ["2026-11-16", "Maya Patel", "LinkedIn", "https://x.com/1"],
        ["2026-11-16", "Maya", "LinkedIn", "https://x.com/2"],  # a ghost typed into the Sheet
        ["2026-11-17", "Maya", "X", "https://x.com/3"],
        ["2026-11-17", "Jo Freelance", "X", "https://x.com/4"],  # posts, not on Staff, nobody close
    ],
    "Staff": [["Name", "Team"], ["Maya Patel", "Sales"], ["Chloé Dubois", "Ops"]],
}


def post_as(name: str, new_person: bool = False) -> NewPost:
    return NewPost(name, "LinkedIn", "https://x.com/new", "", TODAY, new_person=new_person)


# fmt: off
@pytest.mark.parametrize(
    ("name", "new_person", "problems", "written_as"),
    [
        ("chloe dubois", False, [], "Chloé Dubois"),  # the Staff spelling is written: never a second person
        ("Maya", False, ["“Maya” isn't on the Staff list. Did you mean Maya Patel?"], "Maya"),  # even though "Maya" posted before
        ("Maya", True, [], "Maya"),  # they said they are new: as typed
        ("Jo Freelance", False, [], "Jo Freelance"),  # posted before, nobody on Staff close: known
        ("Zed Quinn", False, ["“Zed Quinn” isn't on the Staff list yet. Pick your name from the list, or say you're new."], "Zed Quinn"),
        ("Zed Quinn", True, [], "Zed Quinn"),
    ],
)
# fmt: on
def test_log_a_post_adds_a_new_person_only_when_they_say_so(name, new_person, problems, written_as):
    """The command's own check: a name not on the Staff list is refused with the question, unless marked new."""
    data = build_dataset(SHEET)
    post = post_as(name, new_person)
    assert post_problems(post, data.posts, data.staff, TODAY) == problems
    assert with_staff_name(post, data.staff, data.posts).name == written_as


def test_without_a_staff_tab_the_names_people_posted_under_are_the_list():
    """No Staff tab: "maya patel" is the Maya Patel who posted; "Maya" is asked about."""
    data = build_dataset({"Posts": SHEET["Posts"][:2]})
    assert who_is("maya patel", data.staff, data.posts).name == "Maya Patel"
    assert who_is("Mayaa Patel", data.staff, data.posts).suggestions == ("Maya Patel",)


def test_data_health_lists_names_not_on_the_staff_tab_with_their_closest_match():
    """Each name posting without a Staff row, its posts and first row, and the Staff name nearest to it."""
    data = build_dataset(SHEET)
    table = unknown_names(data.posts, data.staff)
    assert table.to_dict("records") == [
        {"Name": "Maya", "Posts": 2, "First row": 3, "Closest Staff name": "Maya Patel"},
        {"Name": "Jo Freelance", "Posts": 1, "First row": 5, "Closest Staff name": ""},
    ]
    assert unknown_names(data.posts, data.staff.iloc[0:0]).empty  # no Staff tab: nobody to compare with


def test_closest_name_says_nothing_when_nobody_is_near():
    """A name far from every Staff name has no closest match to suggest."""
    assert closest_name("Maya", STAFF) == ("Maya Patel", 90.0)
    assert closest_name("Xavier Zhu", STAFF) is None


def test_your_latest_posts_start_with_the_one_just_sent():
    """Three posts logged today on this server, one read back from the Sheet: the last one sent is first."""
    posts = pd.DataFrame(
        {
            "person": ["maya patel"] * 5,
            "date": pd.to_datetime(["2026-11-16", "2026-11-18", "2026-11-18", "2026-11-18", "2026-11-18"]),
            "row": [2, 9, 0, 0, 0],
            "summary": ["old", "in the Sheet", "first sent", "second sent", "just sent"],
        }
    )
    assert recent_posts(posts, "Maya Patel", 4)["summary"].tolist() == [
        "just sent",
        "second sent",
        "first sent",
        "in the Sheet",
    ]
