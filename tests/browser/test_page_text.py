"""Every page as a person reads it, in Chromium: no "None", no "nan", no number cut short, no day still to come.

Each page of views/ (and each slide, and the directors' month in progress) is opened at the projector's 1280×800
and the staff pages at a phone's 390×844; the test reads what is on screen — the page's text and the cells of its
tables (from the grid's accessible copy) — and measures every piece of text holding a figure for clipping.
"""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest

from rally.core.months import month_of
from tests.apptest import PAGES
from tests.browser.conftest import open_page, page_url, settle
from ui.audience import DIRECTORS_PATH

PROJECTOR = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
PHONE_PAGES = ("views/vote.py", "views/log_post.py", "views/my_progress.py", "views/kudos.py", "views/survey.py")
# Pages as a person opens them, by address: every page, every slide, and the directors' link for a month in progress.
ADDRESSES = sorted(page_url(page) or "this_week" for page in PAGES) + [
    *(f"meeting?slide={n}" for n in range(1, 8)),
    f"{DIRECTORS_PATH}?month={month_of(date.today())}",
    f"kpis?month={month_of(date.today())}",
]
# Survey choices a company may name "None" (the default platform question's last choice) are the room's words.
SURVEY_CHOICE_NONE = re.compile(r"^None$")
NONE_WORDS = re.compile(r"(?<![\w-])(None|nan|NaN|NaT|inf|undefined)(?![\w-])")
DATES = (
    (
        re.compile(r"\b(\d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* \d{4})\b"),
        ("%d %b %Y", "%d %B %Y"),
    ),
    (re.compile(r"\b(\d{4}-\d{2}-\d{2})\b"), ("%Y-%m-%d",)),
)
# A day still to come may be named when it is said as one: the next meeting, a week "so far".
FUTURE_SAID = re.compile(r"meeting on|so far|next meeting|until", re.IGNORECASE)

READ = """() => {
    const main = document.querySelector('[data-testid="stMain"]');
    const cells = [...main.querySelectorAll('[data-testid="stDataFrame"] table td, [data-testid="stDataFrame"] table th')]
        .map(c => c.innerText.trim());
    // Text cut by its box (an ellipsis, or overflow hidden) while it holds a figure: "207" shown as "20".
    const clipped = [...main.querySelectorAll('*')].filter(el => {
        if (el.children.length || !/\\d/.test(el.textContent)) return false;
        if (el.closest('[data-testid="stDataFrame"], [data-testid="stVegaLiteChart"], [data-testid="stSidebar"]')) return false;
        return [el, el.parentElement].some(box => {
            if (!box || box.offsetParent === null) return false;
            const style = getComputedStyle(box);
            const hides = style.overflowX !== 'visible' || style.textOverflow === 'ellipsis';
            return hides && box.scrollWidth > box.clientWidth + 1;
        });
    }).map(el => el.textContent.trim());
    const charts = [...main.querySelectorAll('[data-testid="stVegaLiteChart"] text')].map(t => t.textContent.trim());
    return {text: main.innerText, cells, clipped, charts};
}"""


def future_dates(text: str, today: date) -> list[str]:
    """Dates after `today` in the text that are not said as days to come."""
    found = []
    for line in text.splitlines():
        if FUTURE_SAID.search(line):
            continue
        for pattern, formats in DATES:
            for match in pattern.finditer(line):
                for form in formats:
                    try:
                        day = datetime.strptime(match[1], form).date()
                    except ValueError:
                        continue
                    if day > today:
                        found.append(line.strip())
                    break
    return found


def read(page, url: str, path: str) -> dict:
    open_page(page, url, "Data as of", menu=not path.startswith(DIRECTORS_PATH))
    settle(page)
    page.wait_for_timeout(300)  # a fragment's first refresh, charts' labels
    return page.evaluate(READ)


def problems(seen: dict, today: date, survey: bool = False) -> list[str]:
    lines = seen["text"].splitlines()
    if survey:  # a choice of the survey's own named "None" (the platforms question's last) is the room's word
        lines = [line for line in lines if not SURVEY_CHOICE_NONE.match(line.strip())]
    found = [f"says {m[0]!r}: …{line.strip()[:120]}…" for line in lines if (m := NONE_WORDS.search(line))]
    found += [f"a table cell says {cell!r}" for cell in seen["cells"] if NONE_WORDS.fullmatch(cell)]
    found += [
        f"a chart label says {label!r}"
        for label in seen["charts"]
        if NONE_WORDS.fullmatch(label) and not (survey and SURVEY_CHOICE_NONE.match(label))
    ]
    found += [f"a figure is cut short: {text!r}" for text in seen["clipped"]]
    found += [f"a day still to come: {line!r}" for line in future_dates(seen["text"], today)]
    return found


@pytest.mark.parametrize("path", ADDRESSES)
def test_no_page_says_none_nan_a_clipped_figure_or_a_future_day(browser, rally_server, path):
    """At 1280×800 (and at 390×844 for the pages staff open on a phone) the page reads as finished."""
    today = date.today()
    sizes = [PROJECTOR] + ([PHONE] if f"views/{path.split('?')[0]}.py" in PHONE_PAGES else [])
    found = []
    for size in sizes:
        context = browser.new_context(viewport=size, is_mobile=size is PHONE, has_touch=size is PHONE)
        page = context.new_page()
        seen = read(page, f"{rally_server.url}/{path}", path)
        survey = path.startswith("survey")
        found += [f"{size['width']}×{size['height']}: {p}" for p in problems(seen, today, survey)]
        context.close()
    assert not found, f"/{path}:\n" + "\n".join(found)
