"""A big company's Sheet, made up: Posts at any size with the variety real people type, as the Sheets API returns it.

Cells are what an UNFORMATTED_VALUE read gives: date cells as serial numbers
(some with a time of day), numbers as numbers, and whatever people typed as
text as strings ("16/11/2026", "Nov 18, 2026", "1.2k", "n/a"). Rows are ragged:
Google trims trailing blanks, and recent posts have no figures yet. A few
percent of rows carry the slips Rally must report (no name, an unreadable date,
a repeated link, a non-web link, a negative or non-numeric count).

Staff, KPIs, Notes and Settings come from the demo company; for bigger sizes
the Staff tab grows with the posts (about 40 posts a person over the 26 weeks).
Deterministic: a function of (posts, today, seed) only.
"""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path

from data_sources.google_sheet import as_text
from rally.core.parsing import SHEETS_EPOCH
from rally.demo.company import POSTS_HEADER, STAFF_HEADER, WEEKS, demo_tabs

Tabs = dict[str, list[list]]

FIRST = ("Maya", "Tom", "Aisha", "Leo", "Noah", "Ines", "Kofi", "Priya", "Sven", "Lucía", "Chen", "Amara", "Jonas", "Zoë", "Omar", "Hana", "Mateo", "Ngozi",
         "Erik", "Yuki", "Farah", "Luca", "Sofia", "Dmitri", "Aoife", "Ravi", "Elif", "Kwame", "Marta", "Jules", "Anouk", "Tariq", "Bea", "Ilse", "Rohan", "Saoirse",
         "Pablo", "Mei", "Nadia", "Olu")  # fmt: skip
LAST = ("Patel", "Becker", "Okafor", "Martin", "Fischer", "Silva", "Mensah", "Nair", "Lund", "García", "Wang", "Diallo", "Weber", "Dubois", "Haddad", "Sato",
        "Rossi", "Eze", "Berg", "Tanaka", "Aziz", "Conti", "Novak", "Ivanov", "Byrne", "Rao", "Yılmaz", "Boateng", "Kowalska", "Moreau", "de Vries", "Khan",
        "O'Neill", "Wiśniewska", "Iyer", "Murphy", "Ruiz", "Lin", "Petrova", "Adeyemi")  # fmt: skip
TEAMS = (
    "Sales",
    "Engineering",
    "Customer Success",
    "Marketing",
    "Operations",
    "Finance",
    "People",
    "Product",
    "Legal",
    "Support",
    "Data",
    "Partnerships",
)
PLATFORMS = (("LinkedIn", 50), ("linkedin", 4), ("X", 10), ("Twitter", 2), ("Facebook", 5), ("FB", 2), ("Instagram", 6), ("IG", 1), ("Blog", 5),
             ("Blog post", 1), ("TikTok", 3), ("YouTube", 3), ("linked in", 1), ("Mastodon", 1), ("", 1))  # fmt: skip
TOPICS = ("Case study", "3 takeaways from", "Why we built", "Behind the scenes at", "Hiring:", "Lessons from", "Webinar recap:", "New release:",
          "Our team at", "Customer story:", "How to get more out of", "Proud of the team 🎉", "Five myths about", "Thread 🧵:", "=1+1 formulas in")  # fmt: skip
SUBJECTS = ("RetailTech Live", "data connectors", "Juniper Hotels", "the Q3 roadmap", "dashboards that get used", "supply-chain analytics", "our London office",
            "onboarding in a week", "café analytics ☕", "open data", "forecasting", "the annual kick-off", "Fernhill Insight 4.2", "GDPR & you")  # fmt: skip


def staff_count(posts: int) -> int:
    """Staff on the programme for a Sheet of `posts` rows: the demo's 41, growing at about 40 posts a person."""
    return max(41, posts // 40)


def synthetic_tabs(posts: int, today: date, seed: int = 0) -> Tabs:
    """Posts with `posts` data rows (plus the header) ending this week, and the demo's other tabs (Staff grown to fit)."""
    rng = random.Random(seed * 1_000_003 + posts)
    demo = demo_tabs(today)
    people = _staff(staff_count(posts), demo["Staff"], rng)
    monday = today - timedelta(days=today.weekday())
    first_day = monday - timedelta(weeks=WEEKS - 1)
    span = (today - first_day).days + 1
    platforms = [p for p, _ in PLATFORMS]
    platform_weights = [w for _, w in PLATFORMS]
    rows: list[list] = [list(POSTS_HEADER)]
    links: list[str] = []
    for n in range(posts):
        day = first_day + timedelta(days=int(span * rng.random() ** 0.8))  # more posts lately, as a programme grows
        name, team = people[int(len(people) * rng.random() ** 1.6)]  # a few people post a lot, many a little
        row = [
            _date_cell(day, rng),
            _name_cell(name, rng),
            team if rng.random() < 0.8 else "",
            rng.choices(platforms, platform_weights)[0],
            _link_cell(n, name, links, rng),
            f"{rng.choice(TOPICS)} {rng.choice(SUBJECTS)}" if rng.random() < 0.9 else "",
        ]
        figures = _figures(day, today, rng)
        rows.append(_trim(row + figures))
    tabs = {"Posts": rows, "Staff": [list(STAFF_HEADER), *people_rows(people, demo["Staff"], rng)]}
    tabs.update({k: v for k, v in demo.items() if k not in tabs})
    return tabs


def _staff(count: int, demo_staff: list[list[str]], rng: random.Random) -> list[tuple[str, str]]:
    people = [(r[0], r[1]) for r in demo_staff[1:]]
    seen = {name for name, _ in people}
    while len(people) < count:
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        if name in seen:
            name = f"{name} {len(people)}"  # big companies have namesakes; the Sheet tells them apart somehow
        seen.add(name)
        people.append((name, rng.choice(TEAMS)))
    return people


def people_rows(people: list[tuple[str, str]], demo_staff: list[list[str]], rng: random.Random) -> list[list]:
    rows = [list(r) for r in demo_staff[1:]]
    for name, team in people[len(rows) :]:
        rows.append(
            _trim(
                [
                    name,
                    team,
                    "Specialist",
                    "anonymous" if rng.random() < 0.05 else "show",
                    "Platform mechanics" if rng.random() < 0.6 else "",
                    _serial(date(2020, 1, 1) + timedelta(days=rng.randrange(2000))),
                ]
            )
        )
    return rows


def _serial(day: date) -> int:
    return (day - SHEETS_EPOCH).days


def _date_cell(day: date, rng: random.Random) -> object:
    """Mostly real date cells (serial numbers), some typed as text in the ways people type dates."""
    roll = rng.random()
    if roll < 0.80:
        return _serial(day)
    if roll < 0.85:
        return _serial(day) + rng.choice((0.375, 0.5, 0.6875))  # a date with a time of day
    if roll < 0.90:
        return f"{day.day:02d}/{day.month:02d}/{day.year}"
    if roll < 0.93:
        return f"{day:%b} {day.day}, {day.year}"
    if roll < 0.95:
        return f"{day.day} {day:%b %Y}"
    if roll < 0.98:
        return day.isoformat()
    if roll < 0.99:
        return f"{day.isoformat()} 09:30"
    if roll < 0.996:
        return ""
    return rng.choice(("last tuesday", "31/02/2026", "TBC"))


def _name_cell(name: str, rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.03:
        return f" {name.lower()}  "
    if roll < 0.035:
        return name.replace(" ", "  ")
    if roll < 0.038:
        return ""
    return name


def _link_cell(n: int, name: str, links: list[str], rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.05:
        return ""
    if roll < 0.06 and links:
        return rng.choice(links)  # the same post logged twice
    if roll < 0.07:
        return f"www.example.com/post/{n}"  # not a web link Rally may make clickable
    slug = name.lower().replace(" ", "-").replace("'", "")
    link = (
        f"https://www.linkedin.com/posts/{slug}_{n}-activity-{7_400_000_000_000_000_000 + n * 7919}"
        if rng.random() < 0.7
        else f"https://x.com/{slug}/status/{2_000_000_000 + n}"
    )
    links.append(link)
    return link


def _figures(day: date, today: date, rng: random.Random) -> list:
    """Reach, Reactions, Comments, Shares, Clicks: blank for the newest posts, typed by hand now and then."""
    if (today - day).days < 3 and rng.random() < 0.6:
        return []
    reach = int(rng.lognormvariate(6.5, 1.1))
    figures: list = [
        reach,
        int(reach * rng.uniform(0.005, 0.06)),
        int(reach * rng.uniform(0, 0.01)),
        int(reach * rng.uniform(0, 0.005)),
        int(reach * rng.uniform(0, 0.02)),
    ]
    roll = rng.random()
    if roll < 0.02:
        figures[0] = f"{reach / 1000:.1f}k"
    elif roll < 0.04:
        figures[0] = f"{reach:,}"
    elif roll < 0.043:
        figures[0] = "n/a"
    elif roll < 0.045:
        figures[1] = -figures[1] - 1
    elif roll < 0.10:
        figures = figures[:1]  # reach known, the rest not yet
    return figures


def _trim(row: list) -> list:
    """Google leaves trailing blank cells out of each row."""
    while row and row[-1] == "":
        row.pop()
    return row


def as_api_text(tabs: Tabs) -> dict[str, list[list[str]]]:
    """Every cell as the text Rally's Google source hands on (serial numbers stay numbers written out)."""
    return {title: [[as_text(cell) for cell in row] for row in rows] for title, rows in tabs.items()}


def write_csvs(tabs: Tabs, folder: Path) -> dict[str, Path]:
    """Each tab as a CSV file of the same rows (ragged rows stay ragged), for the read_csv floor."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for title, rows in as_api_text(tabs).items():
        path = folder / f"{title}.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows(rows)
        paths[title] = path
    return paths
