"""Safety rules as tables: CSV defusing, the passcode throttle, the form spam limit, secret redaction."""

from __future__ import annotations

import pandas as pd
import pytest

from data_sources.config import redact
from rally.core.export import safe_csv
from rally.room.access import DEMO_PASSCODE, PasscodeThrottle, access_policy, passcode_matches
from rally.room.limits import SubmissionLimiter, cap_text
from tests.emulator.sheets_emulator import FakeClock


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK(""http://evil"")'),
        ("+44 20 7946 0000", "'+44 20 7946 0000"),  # a phone number is defused too: the program would compute it
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("Maya Patel", "Maya Patel"),
        ("a=b", "a=b"),  # only a leading sign matters
    ],
)
def test_csv_downloads_never_hand_a_formula_to_a_spreadsheet(cell, written):
    """Text cells starting with = + - @ get a leading quote in every CSV Rally offers."""
    text = safe_csv(pd.DataFrame({"Summary": [cell]})).decode("utf-8-sig")
    assert text.splitlines()[1] in (written, f'"{written}"')


def test_csv_downloads_leave_numbers_alone():
    """A negative number column stays a number."""
    assert safe_csv(pd.DataFrame({"Change": [-3]})).decode("utf-8-sig").splitlines()[1] == "-3"


@pytest.mark.parametrize(
    ("rally", "auth", "demo", "mode"),
    [
        ({}, {}, True, "demo"),  # the demo says its passcode on screen
        ({}, {}, False, "none"),  # a real Sheet with nothing configured: no controls at all, never a default passcode
        ({"facilitator_passcode": "s3cret-pass"}, {}, False, "passcode"),
        ({"facilitator_passcode": "s3cret-pass"}, {"client_id": "x", "client_secret": "y"}, False, "oidc"),  # OIDC wins
        ({}, {"google": {"client_id": "x"}}, False, "oidc"),  # named providers count too
    ],
)
def test_the_configuration_picks_how_facilitators_sign_in(rally, auth, demo, mode):
    """OIDC when [auth] is configured, else a passcode, else the documented demo passcode on the demo only."""
    assert access_policy(rally, auth, demo).mode == mode


def test_the_passcode_throttle_slows_guessing_and_resets_on_success():
    """Three free tries, then doubling waits; an attempt during the wait is not even checked."""
    clock = FakeClock()
    throttle = PasscodeThrottle(clock)
    results = [throttle.attempt("k", "wrong", DEMO_PASSCODE) for _ in range(3)]
    assert results == [(False, 0.0), (False, 0.0), (False, 2.0)]
    assert (
        throttle.attempt("k", DEMO_PASSCODE, DEMO_PASSCODE)[0] is False
    )  # still waiting: even the right one is refused
    clock.advance(2.0)
    assert throttle.attempt("k", "wrong", DEMO_PASSCODE) == (False, 4.0)
    clock.advance(4.0)
    assert throttle.attempt("k", DEMO_PASSCODE, DEMO_PASSCODE) == (True, 0.0)
    assert throttle.attempt("k", "wrong", DEMO_PASSCODE) == (False, 0.0)


# Each step: (client, right passcode?, seconds the clock moves first). The outcome is the last step's (accepted, wait).
GUESS, RIGHT = ("guesser", False, 0), ("facilitator", True, 0)


# fmt: off
@pytest.mark.parametrize(
    ("steps", "outcome"),
    [
        ([GUESS] * 8 + [RIGHT], (True, 0.0)),                        # another client's wrong tries never delay the facilitator
        ([GUESS] * 3 + [("guesser", True, 0)], (False, 2.0)),        # the guesser itself waits, even with the right one
        ([("facilitator", False, 0)] * 2 + [RIGHT], (True, 0.0)),    # two typos are free
        ([GUESS] * 3 + [("guesser", True, 2)], (True, 0.0)),         # once the wait is over, the right one opens
        ([GUESS] * 3 + [("guesser", False, 3600)] + [("guesser", False, 0)], (False, 0.0)),  # an hour later: afresh
    ],
)
# fmt: on
def test_the_slow_down_is_per_client(steps, outcome):
    """Keyed by the client's address: a wait set by wrong tries holds back that client and nobody else."""
    clock = FakeClock()
    throttle = PasscodeThrottle(clock)
    for client, right, advance in steps:
        clock.advance(advance)
        result = throttle.attempt(client, DEMO_PASSCODE if right else "wrong", DEMO_PASSCODE)
    assert result == outcome


def test_the_server_wide_ceiling_holds_back_only_clients_that_have_failed():
    """Thirty addresses guessing once each fill the minute's ceiling: a second guess from any waits, a first try doesn't."""
    clock = FakeClock()
    throttle = PasscodeThrottle(clock, ceiling_per_minute=30)
    for n in range(30):
        assert throttle.attempt(f"10.0.0.{n}", "wrong", DEMO_PASSCODE) == (False, 60.0 if n == 29 else 0.0)
    assert throttle.wait_seconds("10.0.0.5") == 60.0 and throttle.attempt("10.0.0.5", DEMO_PASSCODE, DEMO_PASSCODE)[0] is False
    assert throttle.wait_seconds("203.0.113.9") == 0.0, "a client that hasn't failed is never locked out"
    assert throttle.attempt("203.0.113.9", DEMO_PASSCODE, DEMO_PASSCODE) == (True, 0.0)
    clock.advance(60)
    assert throttle.attempt("10.0.0.5", DEMO_PASSCODE, DEMO_PASSCODE) == (True, 0.0)


def test_the_throttle_forgets_the_oldest_clients_when_it_holds_too_many(monkeypatch):
    """Memory stays bounded however many addresses guess."""
    import rally.room.access as access

    monkeypatch.setattr(access, "MAX_REMEMBERED_CLIENTS", 10)
    clock = FakeClock()
    throttle = PasscodeThrottle(clock, ceiling_per_minute=10_000)
    for n in range(25):
        clock.advance(1)
        throttle.attempt(f"client-{n}", "wrong", DEMO_PASSCODE)
    assert len(throttle) <= 11 and throttle.wait_seconds("client-24") == 0.0


def test_passcodes_compare_whole():
    """A prefix or a different case is not the passcode."""
    assert passcode_matches("rally-demo", "rally-demo")
    assert not passcode_matches("rally", "rally-demo")
    assert not passcode_matches("RALLY-DEMO", "rally-demo")


def test_a_session_may_submit_ten_times_a_minute():
    """The eleventh submission within a minute waits; a minute later it goes through."""
    clock = FakeClock()
    limiter = SubmissionLimiter(per_minute=10, clock=clock)
    assert all(limiter.allow("phone")[0] for _ in range(10))
    allowed, wait = limiter.allow("phone")
    assert not allowed and wait == 60
    assert limiter.allow("another phone")[0]
    clock.advance(60)
    assert limiter.allow("phone")[0]


@pytest.mark.parametrize(("text", "stored"), [("  hi  ", "hi"), ("x" * 600, "x" * 500)])
def test_free_text_is_trimmed_and_capped(text, stored):
    """Answers are stored trimmed and at most 500 characters long."""
    assert cap_text(text) == stored


# fmt: off
@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("token failed for CANARY-SECRET-123", "token failed for [redacted]"),
        ("-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----", "[redacted key]"),  # a PEM block even when not configured
        ("-----BEGIN PRIVATE KEY-----\nabc (cut off", "[redacted key]"),  # a truncated one too
        ("nothing secret", "nothing secret"),
    ],
)
# fmt: on
def test_secrets_are_cut_out_of_messages(text, shown):
    """Anything that could end up on a page or in a log passes through redact()."""
    assert redact(text, ["CANARY-SECRET-123"]) == shown


def _rendered(markdown: str) -> str:
    """HTML from a CommonMark parser with GitHub's tables and strikethrough (what chat tools and wikis do)."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"]).render(markdown)


# fmt: off
@pytest.mark.parametrize(
    ("text", "literal"),
    [
        ("Welcome!", "Welcome!"),  # the digest's old escapes showed up as "Welcome\!" when pasted as text
        ("AT&T: 3-2 (a win) #team", "AT&T: 3-2 (a win) #team"),
        ("snake_case and file_name.txt", "snake_case and file_name.txt"),  # inside a word _ can't be emphasis
        ("_sneaky_ **bold** `code`", "\\_sneaky\\_ \\*\\*bold\\*\\* \\`code\\`"),
        ("[click](javascript:alert(1))", "\\[click\\](javascript:alert(1))"),  # no link text, so no link
        ("<img src=x onerror=alert(1)>", "\\<img src=x onerror=alert(1)>"),
        ("I <3 Rally", "I <3 Rally"),  # not a tag
        ("&lt;b&gt; stays typed", "\\&lt;b\\&gt; stays typed"),
        ("~~gone~~ and ~20", "\\~\\~gone\\~\\~ and \\~20"),  # strikethrough needs two
        ("# not a heading", "\\# not a heading"),
        ("> not a quote", "\\> not a quote"),
        ("- not a list", "\\- not a list"),
        ("1. not a list", "1\\. not a list"),
        ("C:\\Users\\maya", "C:\\Users\\maya"),  # a backslash before a letter is shown as typed anyway
        ("a \\* b", "a \\\\\\* b"),
    ],
)
# fmt: on
def test_markdown_for_people_escapes_only_what_would_become_markup(text, literal):
    """md_literal adds a backslash only where a character would start markup, and the text renders as typed."""
    import html

    from rally.core.text import md_literal

    assert md_literal(text) == literal
    assert _rendered(f"- {md_literal(text)}") == f"<ul>\n<li>{html.escape(text, quote=False)}</li>\n</ul>\n"


def test_markdown_for_people_keeps_a_table_cell_in_its_column():
    """A | inside a cell is escaped, so a name can't add a column."""
    from rally.core.text import md_literal

    table = f"| Name | Team |\n|---|---|\n| {md_literal('Maya | Sales', table_cell=True)} | Ops |\n"
    assert "<td>Maya | Sales</td>\n<td>Ops</td>" in _rendered(table)
