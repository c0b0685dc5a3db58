"""The weekly digest: exact JSON keys, the same numbers as the meeting, safe Markdown and HTML, and the command line."""

from __future__ import annotations

import json
from datetime import date
from html.parser import HTMLParser

import pytest

from rally.core.contract import VOTES
from rally.demo.company import demo_tabs
from rally.sheet.dataset import build_dataset, read_votes
from rally.weekly.digest import digest_data, digest_html, digest_markdown, render_digest
from rally.weekly.glance import last_complete_week
from rally.weekly.meeting import weekly_meeting
from tests.test_cli import rally
from tests.test_scoring import HEADER, STAFF_HEADER, post

WEEK = "2026-W48"
KEYS = [
    "week",
    "start",
    "end",
    "totals",
    "platforms",
    "leaderboard",
    "hero",
    "awards",
    "highlights",
    "improve",
    "data_issues",
]
EVIL = "<img src=x onerror=alert(1)> **bold** [click](javascript:alert(1))"


def small_sheet() -> dict:
    """A week with a duplicate link, an opted-out person, a tie and a hostile summary."""
    return {
        "Posts": [
            HEADER,
            post("2026-11-23", "Maya Patel", reach="1000", reactions="10", link="https://x.com/maya/1", summary=EVIL),
            post(
                "2026-11-24", "Maya Patel", reach="1000", reactions="10", link="https://x.com/maya/1"
            ),  # the same link again: counted once
            post(
                "2026-11-23", "Leo Martin", reach="1000", reactions="10", link="https://x.com/leo/1", team="Ops"
            ),  # ties with Maya
            post(
                "2026-11-25",
                "Ana Ruiz",
                reach="3000",
                reactions="5",
                link="https://www.linkedin.com/posts/ana-ruiz_1",
                summary="Ana's talk",
            ),
        ],
        "Staff": [
            STAFF_HEADER,
            ["Maya Patel", "Sales", "show"],
            ["Leo Martin", "Ops", "show"],
            ["Ana Ruiz", "Ops", "anonymous"],
        ],
        "Notes": [["Week", "Kind", "Person", "Text"], [WEEK, "Improve", "", "Log posts the same day <script>"]],
    }


@pytest.fixture(scope="module")
def small():
    """The digest of the small sheet, as data."""
    return digest_data(weekly_meeting(build_dataset(small_sheet()), WEEK))


def test_the_json_has_exactly_the_issues_keys(small):
    """Top-level keys, totals, leaderboard rows, hero, awards and highlights are shaped as the issue says."""
    assert list(small) == KEYS
    assert set(small["totals"]) == {"posts", "people", "reach", "engagements"}
    assert all(
        set(r) == {"rank", "name", "team", "points", "posts", "reach", "engagements"} for r in small["leaderboard"]
    )
    assert set(small["hero"]) == {"name", "reason"}
    assert all(set(a) == {"category", "name", "why"} for a in small["awards"])
    assert all(set(h) == {"text", "link"} for h in small["highlights"])
    assert all(set(i) == {"tab", "row", "column", "value", "problem"} for i in small["data_issues"])
    assert (small["start"], small["end"]) == ("2026-11-23", "2026-11-29")


def test_a_duplicate_link_an_opted_out_person_and_a_tie_behave(small):
    """The repeated link counts once (and is a data issue); Ana is Anonymous but in the totals; Maya and Leo share rank 2."""
    assert small["totals"] == {"posts": 3, "people": 3, "reach": 5000, "engagements": 25}
    board = [(r["rank"], r["name"], r["team"], r["points"]) for r in small["leaderboard"]]
    assert board == [(1, "Anonymous", "—", 45), (2, "Leo Martin", "Ops", 30), (2, "Maya Patel", "Sales", 30)]
    assert any("same link as row 2" in i["problem"] for i in small["data_issues"])
    text = json.dumps(small, ensure_ascii=False)
    assert "Ana" not in text and "ana-ruiz" not in text


def test_the_hero_and_awards_use_shown_names(small):
    """Ana reached most but opted out: the rule's hero is someone else, and her award reads Anonymous."""
    assert small["hero"]["name"] in ("Maya Patel", "Leo Martin")
    assert {"category": "Top reach", "name": "Anonymous", "why": "3,000 people reached with 1 post"} in small["awards"]


def test_markdown_escapes_sheet_text(small):
    """Rendered by a CommonMark parser, no HTML, emphasis or javascript link comes from a summary or note."""
    from tests.test_safety_rules import _rendered

    rendered = _rendered(digest_markdown(small))
    parsed = _Collector()
    parsed.feed(rendered)
    assert "img" not in parsed.tags and "script" not in parsed.tags
    assert parsed.hrefs and all(h.startswith(("https://", "http://")) for h in parsed.hrefs)
    assert "&lt;img src=x onerror=alert(1)&gt; **bold** [click](javascript:alert(1))" in rendered


@pytest.mark.parametrize("form", ["markdown", "text"])
def test_plain_text_shows_no_escapes_a_person_would_see(form):
    """Punctuation people type ("Welcome!", "AT&T", snake_case) reads as typed in the Markdown and the text."""
    note = "Welcome! AT&T's 3-2 win (file_name.txt) — #team"
    sheet = small_sheet()
    sheet["Notes"].append([WEEK, "Improve", "", note])
    rendered = render_digest(digest_data(weekly_meeting(build_dataset(sheet), WEEK)), form)
    assert f"- {note}\n" in rendered  # the whole line as typed: not one backslash


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[str] = []
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.hrefs += [v for k, v in attrs if k == "href"]


def test_html_is_escaped_and_links_are_web_links_only(small):
    """The e-mail HTML holds only our own tags; every href is http(s)."""
    parsed = _Collector()
    parsed.feed(digest_html(small))
    assert set(parsed.tags) <= {
        "h1",
        "h2",
        "p",
        "strong",
        "em",
        "ul",
        "li",
        "a",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
    }
    assert parsed.hrefs and all(h.startswith(("https://", "http://")) for h in parsed.hrefs)
    assert "&lt;img src=x onerror=alert(1)&gt;" in digest_html(small)


def test_render_refuses_an_unknown_format(small):
    """json, markdown and html only."""
    assert json.loads(render_digest(small, "json")) == small
    with pytest.raises(ValueError):
        render_digest(small, "pdf")


def test_a_week_without_posts_still_makes_a_digest():
    """Totals are zero, there is no hero, and the lists are empty rather than missing."""
    data = digest_data(weekly_meeting(build_dataset({"Posts": [HEADER]}), WEEK))
    assert data["totals"] == {"posts": 0, "people": 0, "reach": 0, "engagements": 0}
    assert (data["hero"], data["leaderboard"], data["awards"]) == (None, [], [])
    assert "Social media this week: 2026-W48" in digest_html(data)


def test_the_command_reproduces_the_meetings_numbers_on_the_demo(tmp_path):
    """`python cli.py digest --format json` equals the digest the app builds for the last complete week."""
    result = rally("digest", "--format", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)
    tabs = demo_tabs(date.today())
    expected = digest_data(weekly_meeting(build_dataset(tabs), last_complete_week(date.today()), read_votes(tabs)))
    assert printed == json.loads(json.dumps(expected, ensure_ascii=False))
    assert printed["week"] == last_complete_week(date.today()) and printed["totals"]["posts"] > 0


def test_the_command_takes_a_week_and_a_format(tmp_path):
    """--week picks the week (loosely typed), --format the output."""
    result = rally("digest", "--week", "2026-w40", "--format", "html", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Social media this week: 2026-W40</h1>" in result.stdout


def test_the_command_refuses_a_week_it_cannot_read(tmp_path):
    """A bad --week is one line and exit 2."""
    result = rally("digest", "--week", "last week", cwd=tmp_path)
    assert result.returncode == 2 and "not a week like 2026-W47" in result.stderr


def test_the_votes_tab_is_created_by_init_sheet(tmp_path):
    """init-sheet knows the Votes tab (registered by rally.weekly.votes) — the demo store adds it."""
    result = rally("init-sheet", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert VOTES.name in result.stdout


def test_rally_check_lists_implausible_reach_too():
    """`rally check` and Data health report the same issues, reach flags included."""
    from cli import check_report

    rows = [post(f"2026-11-{d:02d}", "Maya", reach="500", link=f"https://x.com/{d}") for d in (2, 9, 16)] + [
        post("2026-11-23", "Maya", reach="250k", link="https://x.com/23")
    ]
    report = check_report("demo", "now", build_dataset({"Posts": [HEADER, *rows]}))
    assert [(i["row"], i["column"]) for i in report["issues"]] == [(5, "Reach")]
