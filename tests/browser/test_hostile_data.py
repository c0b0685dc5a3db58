"""Hostile Sheet text in real Chromium: every page shows it as text, runs none of it, links only http(s), leaks no secret.

One server for the module reads an emulator Sheet holding the demo company plus hostile
cells in every tab Rally shows text from (Posts, Staff, Notes, KPIs, Kudos, Ideas, Votes,
Survey, Survey Questions, Survey Rounds, Training, Settings), dated this week, last week
and this month so they land on every page. Its secrets hold a canary service-account key
and a canary facilitator passcode: no page, no websocket message and no log line may carry
them, even when Google's (emulated) error messages quote them back.
"""

from __future__ import annotations

import csv
import re
import time
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from rally.core.parsing import iso_week_label
from rally.demo.company import demo_tabs
from rally.weekly.votes import post_key
from tests.apptest import PAGES
from tests.browser.server import (
    ROOT,
    open_page,
    page_url,
    press_reveal,
    screenshot,
    start_server,
    stop_server,
    wait_until_drawn,
)
from tests.emulator.sheets_emulator import SheetsEmulator
from ui.audience import DIRECTORS_PATH

SHEET_KEY = "rally-hostile-sheet"
PROJECTOR = {"width": 1280, "height": 800}

# -- the payloads ----------------------------------------------------------------------------------------------
SCRIPT = "<script>window.__pwned=1</script>"
IMG = '<img src=x onerror="window.__pwned=1">'
SVG = "<svg onload=window.__pwned=1>"
JS_LINK = "javascript:window.__pwned=1"
MD_JS_LINK = "[click](javascript:window.__pwned=1)"
HYPERLINK = '=HYPERLINK("http://evil.example","x")'
SUM = "=1+1"
CMD = "+cmd|' /C calc'!A0"
AT_SUM = "@SUM(1)"
MARKUP = "**bold** <b>b</b>"
# An http(s) link that tries to break out of a Markdown link: only its own address may become the href.
BREAKOUT_LINK = "https://evil.example/a?q=x)(javascript:window.__pwned=1)[y]"
# 5,000 characters of numbered words: how much of it a page shows says where the display cut it.
LONG = ("Long hostile text " + " ".join(f"w{i:04d}" for i in range(1000)))[:5000]
LONG_TAIL = "w0700"  # far past any display cut: never on a page

# People and teams with hostile names (the Staff tab's spelling is shown everywhere).
HERO = f"{IMG} Hero"
FORMULA = HYPERLINK
CALC = CMD
AT = AT_SUM
QUIET = f"{SVG} Quiet"  # trained, never posted: the encouragement list and the training tracker name them
TEAM_SCRIPT = SCRIPT
TEAM_MARKUP = MARKUP
TEAM_LINK = MD_JS_LINK
KPI_NAME = f"{SCRIPT} Leads"
ROUND = f"{IMG} round"
MODULE = f"{SVG} module"

# -- the canaries ----------------------------------------------------------------------------------------------
CANARY_LINES = (
    "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjCANARYkeyLINE1aGVsbG8gcmFsbHk",
    "CANARYkeyLINE2dGhpcyBpcyBub3QgYSByZWFsIGtleSBidXQgaXQgbXVzdCBuZXZlcg",
    "CANARYkeyLINE3YmUgc2VlbiBvbiBhIHBhZ2Ugb3IgaW4gYSBsb2cgbGluZSBlaXRoZXI",
    "CANARYkeyLINE4PT0=",
)
CANARY_KEY = "-----BEGIN PRIVATE KEY-----\n" + "\n".join(CANARY_LINES) + "\n-----END PRIVATE KEY-----\n"
CANARY_KEY_ID = "canary-key-id-5c1f0e7d9b3a"
CANARY_PASSCODE = "canary-passcode-Zq7x-41"
WRONG_PASSCODE = "wrong-guess-Kp3-never-echoed"
CANARIES = (*CANARY_LINES, CANARY_KEY_ID, CANARY_PASSCODE, WRONG_PASSCODE)
# What a Google error quoting the request would hold: the whole key, each line, the passcode.
LEAKY_MESSAGE = f"backend quoted the request: private_key={CANARY_KEY} key line {CANARY_LINES[1]} passcode={CANARY_PASSCODE} id={CANARY_KEY_ID}"


# -- the hostile Sheet -----------------------------------------------------------------------------------------
def hostile_tabs(today: date) -> dict[str, list[list[str]]]:
    """The demo tabs with hostile cells added to every tab Rally reads text from."""
    tabs = demo_tabs(today)
    monday = today - timedelta(days=today.weekday())
    last_week_day = monday - timedelta(days=5)  # Wednesday of the last complete week (the meeting's week)
    last_week = iso_week_label(last_week_day)

    def post(day: date, name: str, team: str, platform: str, link: str, summary: str, reach: int) -> list[str]:
        return [
            day.isoformat(),
            name,
            team,
            platform,
            link,
            summary,
            str(reach),
            str(reach // 50),
            "40",
            "30",
            str(reach // 100),
        ]

    for day, tag in ((last_week_day, "last"), (today, "this")):
        tabs["Posts"] += [
            # The hero: the week's top reach by far, a javascript: link, markup everywhere.
            post(day, HERO, TEAM_SCRIPT, MARKUP, f"{JS_LINK}//{tag}", f"{SCRIPT} {MARKUP} {MD_JS_LINK}", 9_000_000),
            # (Summaries no Highlight note quotes whole: a post a note celebrates is not listed again as a top post.)
            post(day, FORMULA, TEAM_MARKUP, "LinkedIn", f"{BREAKOUT_LINK}&{tag}", f"{MD_JS_LINK} (formula)", 8_000_000),
            post(day, CALC, TEAM_SCRIPT, SUM, f"  JaVaScRiPt:window.__pwned=1//{tag}", f"{LONG} (calc)", 7_000_000),
            post(day, AT, TEAM_LINK, "LinkedIn", f"data:text/html,{SCRIPT}{tag}", f"{SUM} {HYPERLINK}", 6_000_000),
        ]
    tabs["Posts"].append(
        [
            today.isoformat(),
            "Maya Patel",
            "",
            "LinkedIn",
            "https://example.com/p/reach-slip",
            "A reach that is a script",
            SCRIPT,
        ]
    )

    tabs["Staff"] += [
        [HERO, TEAM_SCRIPT, f"<b>role</b> {SCRIPT}", "show", f"Platform mechanics, {MODULE}", "2024-01-01"],
        [FORMULA, TEAM_MARKUP, HYPERLINK, "show", "", "2024-01-01"],
        [CALC, TEAM_SCRIPT, CMD, "show", "", "2024-01-01"],
        [AT, TEAM_LINK, AT_SUM, "show", "", "2024-01-01"],
        [QUIET, TEAM_MARKUP, SVG, "show", "Platform mechanics", "2024-01-01"],
    ]

    month, previous_month = today.replace(day=1), (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    months = [previous_month]
    for _ in range(11):
        months.append((months[-1] - timedelta(days=1)).replace(day=1))
    for n, first in enumerate([month, *months]):
        tabs["KPIs"].append([f"{first:%Y-%m}", KPI_NAME, str(100 + n), "120"])
        tabs["KPIs"].append([f"{first:%Y-%m}", HYPERLINK, str(10 + n), "12"])

    tabs["Notes"] += [
        [last_week, "Highlight", HERO, f"{SCRIPT} {MD_JS_LINK} {MARKUP}"],
        [last_week, "Highlight", AT, LONG],
        [last_week, "Improve", "", f"{IMG} {HYPERLINK}"],
        [last_week, "Improve", "", f"{CMD} {AT_SUM}"],
        [last_week, "Kudos", FORMULA, f"{SVG} {MARKUP}"],
    ]
    tabs["Settings"].append(
        ["Training modules", f"Platform mechanics, Company message, Time management, Analytics, {MODULE}"]
    )

    tabs["Kudos"] = [["ID", "Date", "To", "From", "Message"]] + [
        ["k1", today.isoformat(), HERO, SUM, f"{SCRIPT} {MD_JS_LINK}"],
        ["k2", today.isoformat(), AT, "", LONG],
        ["k3", today.isoformat(), "Maya Patel", CMD, f"{IMG} {MARKUP}"],
        ["k4", last_week_day.isoformat(), FORMULA, HERO, f"{HYPERLINK} last week"],
    ]
    tabs["Ideas"] = [["ID", "Day", "Idea"]] + [
        ["i1", today.isoformat(), IMG],
        ["i2", today.isoformat(), MD_JS_LINK],
        ["i3", today.isoformat(), f"{HYPERLINK} {CMD}"],
        ["i4", today.isoformat(), LONG],
        ["i5", today.isoformat(), f"{SCRIPT} {MARKUP}"],
    ]
    hero_key = post_key(f"{JS_LINK}//last", 0)
    tabs["Votes"] = [["ID", "Timestamp", "Week", "Post link", "Voter token", "Name"]] + [
        [f"v{n}", f"{last_week_day.isoformat()}T10:0{n}:00Z", last_week, hero_key, f"{n:032x}", SCRIPT]
        for n in range(1, 4)
    ]
    tabs["Survey Questions"] = [
        ["ID", "Question", "Type", "Options", "Required"],
        ["team", f"Your team {MARKUP}", "team", "", "no"],
        ["confidence", f"{SCRIPT} How confident?", "scale", f"{IMG}, {MARKUP}", "no"],
        ["channel", f"{MD_JS_LINK} Which channel?", "single", f"{SUM}; {AT_SUM}; {MARKUP}", "no"],
        ["improve", f"{HYPERLINK} What would help?", "text", "", "no"],
    ]
    texts = [SCRIPT, IMG, MD_JS_LINK, f"{HYPERLINK} {CMD}", LONG, f"{AT_SUM} {MARKUP}"]
    survey = [
        ["ID", "Response", "Session", "Edit", "Round", "Day", "Question ID", "Question", "Answer", "Support needs"]
    ]
    for n, text in enumerate(texts):
        answers = {
            "team": TEAM_SCRIPT,
            "confidence": str(n % 5 + 1),
            "channel": (SUM, AT_SUM, MARKUP)[n % 3],
            "improve": text,
        }
        for qid, answer in answers.items():
            survey.append(
                [
                    f"a{n}-{qid}",
                    f"r{n}",
                    f"s{n:015d}",
                    "1",
                    ROUND,
                    today.isoformat(),
                    qid,
                    "",
                    answer,
                    f"{SCRIPT}, {HYPERLINK}",
                ]
            )
    tabs["Survey"] = survey
    tabs["Survey Rounds"] = [
        ["ID", "Seq", "Day", "Round", "Action"],
        ["r1", "1", today.isoformat(), ROUND, "start"],
        ["r2", "2", today.isoformat(), ROUND, "show results"],
    ]
    tabs["Training"] = [
        ["Name", "Module", "Date"],
        [HERO, MODULE, today.isoformat()],
        [CALC, SUM, "not a date <b>b</b>"],
        [f"{SCRIPT} Trainee", AT_SUM, today.isoformat()],
    ]
    return tabs


def secrets_toml(spreadsheet_key: str) -> str:
    """A production-shaped secrets file: a (canary) service-account key and a (canary) facilitator passcode."""

    def quoted(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'

    return (
        "[connections.gsheets]\n"
        f'spreadsheet = "https://docs.google.com/spreadsheets/d/{spreadsheet_key}/edit"\n'
        'type = "service_account"\n'
        'project_id = "rally-canary-project"\n'
        f"private_key_id = {quoted(CANARY_KEY_ID)}\n"
        f"private_key = {quoted(CANARY_KEY)}\n"
        'client_email = "rally@rally-canary-project.iam.gserviceaccount.com"\n'
        'token_uri = "https://oauth2.googleapis.com/token"\n'
        "\n[rally]\n"
        f"facilitator_passcode = {quoted(CANARY_PASSCODE)}\n"
    )


# -- fixtures: one Sheet, one server, one browser tab for the module -------------------------------------------
@pytest.fixture(scope="module")
def hostile_sheet() -> Iterator[SheetsEmulator]:
    with SheetsEmulator() as emulator:
        emulator.add_spreadsheet(SHEET_KEY, tabs=hostile_tabs(date.today()))
        yield emulator


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory, hostile_sheet):
    """Rally on the hostile Sheet, its secrets holding the canaries (with the emulator, the key is never used to sign in)."""
    folder = tmp_path_factory.mktemp("hostile-server")
    streamlit_dir = folder / "cwd" / ".streamlit"
    streamlit_dir.mkdir(parents=True)
    (streamlit_dir / "config.toml").write_text((ROOT / ".streamlit" / "config.toml").read_text())
    (streamlit_dir / "secrets.toml").write_text(secrets_toml(SHEET_KEY))
    server = start_server(folder / "data", env={"SHEETS_EMULATOR_HOST": hostile_sheet.host}, cwd=folder / "cwd")
    yield server
    stop_server(server)


class Watch:
    """What the browser tab received: websocket messages carrying a canary, and page errors."""

    def __init__(self) -> None:
        self.leaks: list[str] = []
        self.errors: list[str] = []

    def frame(self, payload: str | bytes) -> None:
        data = payload.encode() if isinstance(payload, str) else payload
        self.leaks += [canary for canary in CANARIES if canary.encode() in data]


@pytest.fixture(scope="module")
def watch() -> Watch:
    return Watch()


@pytest.fixture(scope="module")
def tab(browser, hostile_server, watch):
    """One browser tab for the whole module (a new address is a new Streamlit session; menu clicks keep the session)."""
    context = browser.new_context(viewport=PROJECTOR)
    page = context.new_page()
    page.on("websocket", lambda ws: ws.on("framereceived", watch.frame))
    page.on("pageerror", lambda error: watch.errors.append(str(error)))
    yield page
    context.close()


# -- what every page must (not) hold ---------------------------------------------------------------------------
UNSAFE_DOM = """() => {
    const found = [];
    const all = [...document.querySelectorAll('*')];
    for (const el of all) {
        for (const attr of el.attributes) {
            // No inline event handler at all (Streamlit's React never writes one), nor a source or style made of the payload.
            // Addresses get the protocol check below; aria-label, title or alt holding it is text (a chart's title names the hostile KPI).
            if (/^on/i.test(attr.name) || (/^(src|srcdoc|formaction|style|srcset|poster)$/i.test(attr.name) && /__pwned/.test(attr.value))) found.push(`${el.tagName} ${attr.name}="${attr.value.slice(0, 80)}"`);
        }
    }
    for (const s of document.querySelectorAll('script')) {
        if (/__pwned/.test(s.textContent)) found.push('SCRIPT ' + s.textContent.slice(0, 80));
    }
    for (const el of document.querySelectorAll('a[href], area[href], iframe[src], embed[src], object[data], form[action]')) {
        const raw = el.getAttribute('href') || el.getAttribute('src') || el.getAttribute('data') || el.getAttribute('action');
        const protocol = new URL(raw, location.href).protocol;
        if (!['http:', 'https:', 'mailto:'].includes(protocol)) found.push(`${el.tagName} -> ${raw.slice(0, 80)}`);
    }
    // Markup from the Sheet rendered as markup: the payloads' own elements.
    for (const el of document.querySelectorAll('img[src="x"], svg[onload], b, strong, em, iframe[srcdoc]')) {
        if (el.matches('img[src="x"], svg[onload], iframe[srcdoc]') || ['b', 'bold', 'role'].includes(el.textContent.trim())) found.push('MARKUP ' + el.outerHTML.slice(0, 80));
    }
    return found;
}"""


def main_text(page) -> str:
    return " ".join(page.locator('[data-testid="stMain"]').inner_text().split())


def assert_safe(page, where: str, shows: tuple[str, ...] = ()) -> str:
    """The page as a hostile Sheet must leave it: nothing ran, nothing became markup or a non-web link, no secret, no crash.

    `shows`: hostile strings this page must show literally, as text (so silently dropped data fails too).
    """
    wait_until_drawn(page, 30_000)
    page.wait_for_timeout(150)  # an <img onerror> would have fired by now
    # In the page and in every frame (a component's iframe has a window of its own).
    ran = [frame.url for frame in page.frames if frame.evaluate("() => typeof window.__pwned") != "undefined"]
    assert ran == [], f"{where}: a payload ran in {ran}"
    unsafe = page.evaluate(UNSAFE_DOM)
    assert unsafe == [], f"{where}: unsafe DOM: {unsafe}"
    assert page.locator('[data-testid="stException"]').count() == 0, f"{where}: exception box"
    html = page.content()
    assert [c for c in CANARIES if c in html] == [], f"{where}: a secret is in the page"
    assert LONG_TAIL not in html, f"{where}: the 5,000-character cell was not cut for display"
    text = main_text(page)
    missing = [s for s in shows if " ".join(s.split()) not in text]
    assert missing == [], f"{where}: hostile text not shown as text: {missing}"
    return text


def go(page, server, path: str, *, menu: bool = True) -> None:
    open_page(page, f"{server.url}/{path}", "Data as of", menu=menu)


def click_menu(page, title: str, wait_for: str) -> None:
    """Another page in the same session (so a facilitator stays signed in)."""
    page.locator('[data-testid="stSidebarNav"]').get_by_text(title, exact=True).click()
    page.get_by_text(wait_for, exact=False).first.wait_for(timeout=30_000)
    wait_until_drawn(page, 30_000)


# -- 1. every page, as anyone opening its address sees it -------------------------------------------------------
# What each page must show literally (a page left out here is still checked for everything else).
SHOWS: dict[str, tuple[str, ...]] = {
    "views/leaderboard.py": (HERO,),
    "views/vote.py": (HERO, MARKUP, MD_JS_LINK),
    "views/this_week.py": (f"{SVG} {MARKUP}", HERO),  # every highlight of the week, the kudos note included
    "views/kpis.py": (KPI_NAME, HYPERLINK),
    "views/directors.py": (KPI_NAME,),
    "views/survey_results.py": (ROUND, SCRIPT, IMG, MD_JS_LINK, f"{HYPERLINK} {CMD}", LONG[:120]),
    "views/survey.py": (
        ROUND,
        f"{SCRIPT} How confident?",
        f"{MD_JS_LINK} Which channel?",
        TEAM_SCRIPT,
        SUM,
        AT_SUM,
        MARKUP,
    ),
    "views/ideas.py": (IMG, MD_JS_LINK, f"{HYPERLINK} {CMD}", f"{SCRIPT} {MARKUP}", LONG[:120]),
    "views/kudos.py": (HERO, f"{SCRIPT} {MD_JS_LINK}", AT, LONG[:120], f"{IMG} {MARKUP}", CMD),
}
MEETING_SLIDES: dict[int, tuple[str, ...]] = {
    1: (),
    # The kudos note is past what a projector holds: This week lists every highlight.
    2: (f"{SCRIPT} {MD_JS_LINK} {MARKUP}", HERO, LONG[:120], "+cmd|' /C calc'!A0's =1+1 post"),
    3: (HERO, SCRIPT),
    4: (HERO,),
    5: (KPI_NAME,),
    6: (f"{IMG} {HYPERLINK}", f"{CMD} {AT_SUM}"),
    7: (f"{SCRIPT} {MARKUP}",),  # the three newest ideas
}


@pytest.mark.parametrize("page_file", [p for p in PAGES if p != "views/meeting.py"])
def test_every_page_shows_hostile_cells_as_text_only(tab, hostile_server, page_file):
    """Each page in views/ (the meeting's slides below), opened by its address as anyone would."""
    path = page_url(page_file)
    go(tab, hostile_server, path, menu=path != DIRECTORS_PATH)
    if page_file == "views/vote.py":
        expect(tab.get_by_test_id("stRadio")).to_be_visible(
            timeout=15_000
        )  # drawn down to the list (the search box comes before it)
    if page_file == "views/vote.py" and tab.get_by_label("Find a post").count():
        # A week of more than 30 posts lists 30: find the hostile hero's post as a person would, by name.
        tab.get_by_label("Find a post").fill("Hero")
        tab.get_by_label("Find a post").press("Enter")
        expect(tab.get_by_text(re.compile(r"^1 of [\d,]+ posts match"))).to_be_visible(timeout=15_000)
        # The list redrawn, not only the count: while the rerun runs, the list from before the search may still stand beside it.
        expect(tab.get_by_test_id("stRadio").filter(has_text="Hero")).to_be_visible(timeout=15_000)
        expect(tab.get_by_test_id("stRadio")).to_have_count(1, timeout=15_000)
        wait_until_drawn(tab)
    assert_safe(tab, page_file, SHOWS.get(page_file, ()))
    if page_file in ("views/vote.py", "views/survey_results.py"):
        screenshot(tab, f"hostile-{path}")


@pytest.mark.parametrize("slide", sorted(MEETING_SLIDES))
def test_every_meeting_slide_shows_hostile_cells_as_text_only(tab, hostile_server, slide):
    """Each slide of the weekly meeting (last complete week), by its address."""
    go(tab, hostile_server, f"meeting?slide={slide}")
    text = assert_safe(tab, f"meeting slide {slide}", MEETING_SLIDES[slide])
    if slide == 2:
        assert LONG[:400] not in text, "a note is shown past its display cut"
        # The only link a hostile post gets is its own http(s) address, encoded whole: no javascript: escapes from it.
        # (Markdown also links a bare http:// address inside text, such as the one in =HYPERLINK(…): http(s), so allowed.)
        hrefs = tab.locator('[data-testid="stMain"] a[href]').evaluate_all(
            "links => links.map(a => a.getAttribute('href'))"
        )
        breakouts = [h for h in hrefs if "javascript" in h.casefold()]
        assert breakouts and all(h.startswith("https://evil.example/a?q=x%29%28javascript:") for h in breakouts), (
            breakouts
        )
        screenshot(tab, "hostile-meeting-highlights")
    if slide == 3:
        assert tab.get_by_role("link", name="Open the post").count() == 0, "the hero's javascript: link became a button"


def test_the_kpi_csv_defuses_formula_names(tab, hostile_server):
    """The KPI page's CSV download: a KPI named =HYPERLINK(…) reaches a spreadsheet program as text, not as a formula."""
    go(tab, hostile_server, "kpis")
    tab.get_by_role("tab", name="Table & share").click()
    with tab.expect_download(timeout=30_000) as download:
        tab.get_by_role("button", name=re.compile(r"^Download .* as CSV$")).click()
    cells = [
        cell
        for line in open(download.value.path(), encoding="utf-8-sig").read().splitlines()
        for cell in next(csv.reader([line]))
    ]
    assert f"'{HYPERLINK}" in cells and KPI_NAME in cells
    assert [c for c in cells if c[:1] in ("=", "+", "@")] == []


def test_the_directors_link_alone(tab, hostile_server):
    """/directors as a director opens it: aggregates only, so no hostile name or answer, and nothing unsafe."""
    go(tab, hostile_server, DIRECTORS_PATH, menu=False)
    text = assert_safe(tab, "directors' link", (KPI_NAME,))
    assert HERO not in text and ROUND not in text and LONG[:40] not in text


# -- 2. the facilitator's pages, unlocked with the (canary) passcode ------------------------------------------------
def test_facilitator_pages_show_hostile_cells_as_text_only(tab, hostile_server):
    """Unlock on Data health (a wrong try first), then walk the facilitator-only views in the same session."""
    go(tab, hostile_server, "data_health")
    box = tab.get_by_label("Facilitator passcode")
    box.fill(WRONG_PASSCODE)
    tab.get_by_role("button", name="Unlock").click()
    expect(tab.get_by_text("That passcode isn't right.")).to_be_visible(timeout=15_000)
    assert_safe(tab, "data health, wrong passcode")
    tab.get_by_label("Facilitator passcode").fill(CANARY_PASSCODE)
    tab.get_by_role("button", name="Unlock").click()
    expect(tab.get_by_text("How to fix them")).to_be_visible(timeout=15_000)
    expect(tab.get_by_text("Facilitator controls are on")).to_be_visible()
    assert tab.get_by_label("Facilitator passcode").count() == 0
    assert_safe(tab, "data health, unlocked", ("things to fix",))
    screenshot(tab, "hostile-data-health-facilitator")

    click_menu(tab, "Training tracker", "Not started yet")
    assert_safe(tab, "training tracker", (MODULE, FORMULA, AT, TEAM_MARKUP, TEAM_LINK))

    click_menu(tab, "Encouragement", "Trained, no post yet")
    assert_safe(tab, "encouragement", (HERO, QUIET, TEAM_SCRIPT, TEAM_MARKUP))

    click_menu(tab, "Survey results", "Start a new round")
    assert tab.get_by_role("button", name="Hide").count() >= 5  # the facilitator's controls beside each text answer
    assert_safe(tab, "survey results, facilitator", (ROUND, SCRIPT, IMG, MD_JS_LINK))

    click_menu(tab, "Ideas box", "Latest ideas")
    assert tab.get_by_role("button", name="Hide").count() >= 5
    assert_safe(tab, "ideas, facilitator", (IMG, MD_JS_LINK, f"{SCRIPT} {MARKUP}"))

    click_menu(tab, "Connect & settings", "Connect your sheet")
    tab.get_by_text("The Sheet and Rally's service account").click()
    expect(tab.get_by_text("rally@rally-canary-project.iam.gserviceaccount.com")).to_be_visible(timeout=15_000)
    assert_safe(tab, "connect, facilitator")

    # The hostile hero's own page: picked from the list, remembered for Log a post.
    click_menu(tab, "My progress", "Pick your name")
    tab.get_by_role("combobox", name="Your name").fill("onerror")
    tab.get_by_role("option").filter(has_text="Hero").first.click()
    tab.get_by_text("Your latest posts").wait_for(timeout=30_000)
    text = assert_safe(tab, "my progress", (TEAM_SCRIPT, MODULE))
    assert f"{MARKUP} · {SCRIPT}" in text  # the post list: platform and summary as typed, not linked (javascript:)
    # Wait for the form's own button: "Your latest posts" was on the page before too.
    click_menu(tab, "Log a post", "Log my post")
    tab.get_by_text("Your latest posts").wait_for(timeout=30_000)
    assert_safe(tab, "log a post, remembered name", (f"{MARKUP} · {SCRIPT}",))

    # Last, as the meeting folds the menu away: the vote revealed on the last slide names the hostile hero, as text.
    click_menu(tab, "Weekly meeting", "the week at a glance")
    for slide in range(2, 8):
        tab.get_by_role("button", name="Next").click()
        tab.get_by_text(f"Slide {slide} of 7").wait_for(timeout=30_000)
    wait_until_drawn(tab, 30_000)
    tab.get_by_text("Facilitator: reveal the vote").click()
    press_reveal(tab)
    expect(tab.get_by_text("Most creative so far")).to_be_visible(timeout=15_000)
    assert_safe(tab, "meeting, vote revealed", (f"Most creative so far: {HERO}",))
    screenshot(tab, "hostile-meeting-vote-revealed")
    html = tab.content()
    assert CANARY_PASSCODE not in html and WRONG_PASSCODE not in html


# -- 3. error paths that would carry the secrets, if redaction were broken ----------------------------------------------
def test_a_google_error_quoting_the_secrets_shows_redacted(tab, hostile_server, hostile_sheet):
    """Google (emulated) refuses a read with a message quoting the key and the passcode: the banner says why, without them."""
    go(tab, hostile_server, "")
    # Not 401: that makes google-auth try to sign in again. Several: the server's background reads may come first.
    hostile_sheet.fail_next(6, 409, kind="batch_get", message=LEAKY_MESSAGE)
    reads = hostile_sheet.count("batch_get")
    tab.get_by_role("button", name="Refresh now").click()
    banner = tab.locator('[data-testid="stAlertContentWarning"]').filter(has_text="Google Sheets unreachable")
    expect(banner).to_be_visible(timeout=15_000)
    assert hostile_sheet.count("batch_get") > reads
    said = banner.inner_text()
    hostile_sheet.clear_faults()  # the failures no read took are not left for the next test's reads
    assert "backend quoted the request" in said and "[redacted" in said, said
    assert_safe(tab, "stale banner")


def test_a_failed_write_quoting_the_secrets_is_logged_redacted(tab, hostile_server, hostile_sheet):
    """An idea typed as a script goes through the outbox; its first append fails quoting the secrets (logged), the retry lands it RAW."""
    hostile_sheet.fail_next(1, 500, kind="append", message=LEAKY_MESSAGE)
    go(tab, hostile_server, "ideas")
    idea = f"{SCRIPT} {MD_JS_LINK} typed in the ideas box"
    tab.get_by_label("Your idea").fill(idea)
    tab.get_by_role("button", name="Send idea").click()
    expect(tab.get_by_text("Thanks — saved.")).to_be_visible(timeout=15_000)
    assert_safe(tab, "ideas, just sent", (idea,))
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not (
        "stay queued" in hostile_server.log() and any(idea in row for row in hostile_sheet.values(SHEET_KEY, "Ideas"))
    ):
        time.sleep(0.2)
    assert "stay queued" in hostile_server.log(), hostile_server.log()[-2000:]
    assert any(idea in row for row in hostile_sheet.values(SHEET_KEY, "Ideas")), (
        "the retried write did not land as typed"
    )


def test_the_server_log_holds_no_secret(tab, hostile_server, watch):
    """Last: the whole server log (Streamlit, Rally, libraries) and every websocket message the browser got are free of the canaries."""
    log = hostile_server.log()
    assert "stay queued" in log, "the failed write above did not reach the log: this check would prove nothing"
    leaked = [c for c in CANARIES if c in log]
    assert leaked == [], f"secrets in the server log: {leaked}"
    assert not re.search(r"BEGIN [A-Z ]*PRIVATE KEY", log)
    assert "backend quoted the request: private_key=[redacted" in log  # the line is there, cut where the secrets were
    assert watch.leaks == [], f"secrets sent to the browser: {sorted(set(watch.leaks))}"
    assert watch.errors == []
