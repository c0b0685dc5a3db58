"""The embedded demo: a fictional company's Sheet, as the Google Sheets API would return it.

Fernhill Analytics (41 staff, 5 teams of different sizes) has logged six months
of posts. The data is shaped to exercise every part of the weekly meeting:
regulars with long streaks, occasional posters, silent staff, first-time posters
in the last complete week, people who have gone quiet, a rising star, a few
breakout posts, recent posts whose numbers are not in yet, and a handful of
deliberate slips (`DELIBERATE_ISSUES`) that Rally must report as data issues.

Everything is a function of `(today, seed)` only. The draw for each ISO week
depends on that week's Monday, not on the day, so the demo does not reshuffle
while a week goes by: Tuesday's demo holds Monday's posts unchanged.

Pure Python: no Streamlit, no I/O.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import math
import random
import re
import string
import unicodedata
import zlib
from dataclasses import dataclass, replace

DEMO_DOMAIN = "www.fernhill-analytics.com"
DEMO_PRODUCT = "Fernhill Insight"
DEFAULT_SEED = 20261130
WEEKS = 26
KPI_MONTHS = 12

DEMO_TEAMS: tuple[str, ...] = ("Sales", "Engineering", "Customer Success", "Marketing", "Operations")
TRAINING_MODULES: tuple[str, ...] = ("Platform mechanics", "Company message", "Time management", "Analytics")
DEMO_KPIS: tuple[str, ...] = ("Web traffic from social", "Company page followers", "Leads", "Sales")
# Rally counts these from the Posts tab; the KPIs tab only sets their targets (Actual left blank).
DEMO_COUNTED_KPIS: tuple[str, ...] = ("Number of posts", "Reach of posts")
PROGRAMME_MONTHS = 6  # the advocacy programme began six months ago (the months the Posts tab covers)

POSTS_HEADER = [
    "Date",
    "Name",
    "Team",
    "Platform",
    "Link",
    "Summary",
    "Reach",
    "Reactions",
    "Comments",
    "Shares",
    "Clicks",
]
STAFF_HEADER = ["Name", "Team", "Role", "Leaderboard", "Trained", "Joined"]
KPIS_HEADER = ["Month", "KPI", "Actual", "Target"]
NOTES_HEADER = ["Week", "Kind", "Person", "Text"]
SETTINGS_HEADER = ["Key", "Value"]

# What the Posts tab gets wrong on purpose, each once, 5 to 20 weeks back (never in the weeks the meeting shows).
DELIBERATE_ISSUES: tuple[str, ...] = (
    "the same link logged twice by the same person, a day apart",
    "a name typed with odd spacing and case ('maya  patel ')",
    "a reach typed as '1.2k' (valid, read as 1200)",
    "a reach typed as 'n/a' (invalid)",
    "a row with no Date",
    "a platform spelt 'linked in'",
    "a platform spelt 'FB'",
)


@dataclass(frozen=True)
class _Person:
    """A member of staff and how they post; the habit fields never reach the Sheet."""

    name: str
    team: str
    role: str
    trained: tuple[int, ...] = ()  # indexes into TRAINING_MODULES
    joined_days: int = 900  # days before the current week's Monday
    leaderboard: str = "show"
    habit: str = "occasional"  # streak | regular | occasional | rising | first | lapsed | silent
    streak: int = 0  # streak habit: weeks running up to the current one
    last_active: int = 0  # lapsed habit: weeks ago of their last post


_ALL = (0, 1, 2, 3)

# Team sizes differ on purpose (12, 10, 8, 6, 5) so per-person and participation views matter.
_STAFF: tuple[_Person, ...] = (
    _Person("Maya Patel", "Sales", "Account Executive", _ALL, 1460, habit="streak", streak=26),
    _Person("Tom Becker", "Sales", "Sales Director", (1,), 2900),
    _Person("Aisha Okafor", "Sales", "Account Executive", _ALL, 780, habit="streak", streak=17),
    _Person("Daniel Kowalski", "Sales", "Business Development Representative", (0, 1), 640, habit="regular"),
    _Person("Sofia Márquez", "Sales", "Account Manager", (0,), 1210),
    _Person("James Whitfield", "Sales", "Business Development Representative", (0,), 420, habit="first"),
    _Person("Priya Raman", "Sales", "Account Manager", (0, 1, 3), 1730, habit="regular"),
    _Person("Connor Walsh", "Sales", "Sales Engineer", (0, 1), 1100, habit="lapsed", last_active=7),
    _Person("Hannah Schmidt", "Sales", "Account Executive", _ALL, 560, habit="silent"),
    _Person("Kwame Asante", "Sales", "Partnerships Manager", (0, 1, 2), 990, habit="rising"),
    _Person("Elena Rossi", "Sales", "Sales Operations Analyst", (3,), 1350),
    _Person("Ravi Menon", "Sales", "Business Development Representative", (), 300, habit="silent"),
    _Person("Leo Martin", "Engineering", "Head of Engineering", _ALL, 2480, habit="streak", streak=26),
    _Person("Mei Chen", "Engineering", "Senior Software Engineer", (0, 1, 3), 1510, habit="regular"),
    _Person("Jonas Lindqvist", "Engineering", "Data Engineer", (3,), 870),
    _Person(
        "Fatima Al-Sayed", "Engineering", "Software Engineer", (0, 1), 610, leaderboard="anonymous", habit="regular"
    ),
    _Person("Arjun Nair", "Engineering", "Staff Engineer", (), 2050),
    _Person("Chloé Dubois", "Engineering", "Product Designer", (0, 1, 2), 720, habit="regular"),
    _Person("Oliver Grant", "Engineering", "Software Engineer", (), 350, habit="silent"),
    _Person("Yuki Tanaka", "Engineering", "QA Engineer", (0,), 930, leaderboard="anonymous"),
    _Person("Samuel Adeyemi", "Engineering", "DevOps Engineer", (0, 2), 1180, habit="lapsed", last_active=5),
    _Person("Nadia Haddad", "Engineering", "Engineering Manager", (0, 1), 1640, habit="silent"),
    _Person("Siobhán O'Neill", "Customer Success", "Head of Customer Success", _ALL, 2210, habit="streak", streak=12),
    _Person("Carlos Mendes", "Customer Success", "Customer Success Manager", (0, 1), 1020, habit="regular"),
    _Person("Grace Mwangi", "Customer Success", "Onboarding Specialist", (0,), 38, habit="first"),
    _Person("Ben Hughes", "Customer Success", "Support Engineer", (), 480),
    _Person("Ana Ferreira", "Customer Success", "Customer Success Manager", (0, 1, 2), 1390, habit="regular"),
    _Person("Tariq Hussain", "Customer Success", "Support Team Lead", (1,), 1870),
    _Person("Laura Novak", "Customer Success", "Customer Success Manager", (0,), 690, habit="silent"),
    _Person("Emeka Obi", "Customer Success", "Implementation Consultant", (), 400),
    _Person("Zoe Clarke", "Marketing", "Marketing Director", _ALL, 1930, habit="streak", streak=21),
    _Person("Lucas Moreau", "Marketing", "Content Marketing Manager", _ALL, 1060, habit="streak", streak=10),
    _Person("Isabella García", "Marketing", "Social Media Manager", _ALL, 820, habit="regular"),
    _Person("Noah Fischer", "Marketing", "Marketing Designer", (0, 2), 540, habit="regular"),
    _Person("Amara Nwosu", "Marketing", "Events Manager", (0, 1), 760),
    _Person("Ethan Brooks", "Marketing", "Marketing Executive", (0,), 101, habit="regular"),
    _Person("Rachel Goldberg", "Operations", "Operations Director", (1, 2), 2600),
    _Person("Mohammed Rahman", "Operations", "Finance Manager", (), 1450, leaderboard="anonymous"),
    _Person("Katarzyna Wiśniewska", "Operations", "People & Talent Partner", (0, 1, 2), 880, habit="regular"),
    _Person("Diego Alvarez", "Operations", "Office Manager", (), 1270, habit="silent"),
    _Person("Helen Park", "Operations", "IT Administrator", (2,), 1990),
)

# Chance of posting in a given week, and the typical number of posts in a week they post.
_HABITS = {
    "streak": (0.7, 2.9),
    "regular": (0.8, 2.5),
    "occasional": (0.4, 1.4),
    "rising": (0.12, 1.0),
    "first": (0.0, 1.3),
    "lapsed": (0.75, 1.6),
    "silent": (0.0, 0.0),
}

_PLATFORMS = ("LinkedIn", "X", "Facebook", "Instagram", "Blog", "TikTok", "YouTube")
_PLATFORM_WEIGHTS = {
    "Sales": (84, 8, 5, 2, 1, 0, 0),
    "Engineering": (62, 20, 2, 2, 11, 0, 1.5),
    "Customer Success": (72, 6, 8, 4, 6, 1, 1.5),
    "Marketing": (48, 12, 10, 17, 6, 3, 1.5),
    "Operations": (68, 4, 16, 9, 3, 0, 0),
}
# Median reach and reactions per reach; the spread around them is log-normal.
_PLATFORM_SCALE = {
    "LinkedIn": (640, 0.034),
    "X": (280, 0.016),
    "Facebook": (230, 0.042),
    "Instagram": (380, 0.058),
    "Blog": (240, 0.012),
    "TikTok": (950, 0.065),
    "YouTube": (430, 0.038),
}
_BREAKOUT_PLATFORMS = ("LinkedIn", "TikTok", "YouTube")
_DAY_WEIGHTS = (17, 21, 20, 18, 15, 5, 4)  # Monday … Sunday: weekends are quiet
_NORMAL_REACH_CAP = 2_900  # keeps ordinary posts clearly below the breakouts
# Under Rally's default "implausible reach" bar (over 10,000 and 20x the person's median):
# a breakout is a highlight, not a data issue.
_BREAKOUT_REACH_CAP = 9_800

_CLIENTS = (
    "Harbour Foods", "Greenline Logistics", "Oakridge Retail", "Bluewater Health", "Marlow Builders",
    "Peak Cycles", "Northgate Pharmacy", "Summit Outdoor", "Riverside Council", "Atlas Freight",
    "Cobalt Energy", "Juniper Hotels", "Kingfisher Dairy", "Redwood Housing",
)  # fmt: skip
_FEATURES = (
    "scheduled reports", "the new map view", "anomaly alerts", "custom dashboards", "the Excel add-in",
    "role-based access", "forecasting", "the mobile app", "data connectors", "shared annotations",
)  # fmt: skip
_TIPS = (
    "pin your three most-used dashboards", "set an alert instead of checking every morning",
    "use filters to compare stores side by side", "export straight to PowerPoint",
    "share a live link, not a screenshot", "tag a colleague on a chart to start a thread",
    "save a view for your Monday stand-up", "spot late deliveries before customers do",
)  # fmt: skip
_CONFERENCES = (
    "RetailTech Live", "Data Leaders Summit", "Logistics Connect", "PyData London", "SaaStock",
    "the Northern Analytics Meetup", "Women in Data", "Supply Chain Expo",
)  # fmt: skip
_TALK_TOPICS = (
    "forecasting with messy data", "dashboards people actually open", "pricing for small retailers",
    "data quality as a team sport", "what we learned moving to event streaming",
    "measuring customer health", "getting buy-in for analytics",
)  # fmt: skip
_JOBS = (
    ("Senior Data Engineer", "Engineering"), ("Account Executive", "Sales"),
    ("Customer Success Manager", "Customer Success"), ("Product Designer", "Engineering"),
    ("Content Marketer", "Marketing"), ("Support Engineer", "Customer Success"),
    ("Finance Assistant", "Operations"),
)  # fmt: skip
_CITIES = ("Leeds", "Manchester", "Bristol", "London", "remote (UK)", "Edinburgh")
_TEAM_EVENTS = (
    "a day volunteering at the local food bank", "our summer picnic in Roundhay Park",
    "the quarterly all-hands and curry night", "a climbing wall team challenge",
    "bake-off Friday (the lemon drizzle won)", "our first in-person hackathon",
)  # fmt: skip
_CHARITIES = ("Mind", "the local food bank", "Macmillan", "Shelter", "the children's hospice")
_INSIGHTS = (
    "small retailers can't afford to guess stock levels",
    "the best dashboard is the one that gets used",
    "data projects fail on people, not technology",
    "forecasting beats firefighting every time",
    "customer success starts before the contract is signed",
    "clean data is a habit, not a project",
)  # fmt: skip

_TEMPLATES = {
    "case study": (
        "Case study: how {client} cut waste by {pct}% with {product}",
        "Customer story: {client} went live in {n} weeks",
        "{client} on a year of {product}: fewer stock-outs, calmer Mondays",
        "How {client} uses {feature} to plan the week",
    ),
    "product tip": (
        "Product tip: {tip}",
        "60-second demo: {feature}",
        "What's new in {product}: {feature}",
        "Three ways to get more out of {feature}",
    ),
    "hiring": (
        "We're hiring a {job} in {city}",
        "Join our {job_team} team: {job} role now open",
        "A day in the life of our {job_team} team",
        "Referral bonus doubled this month: know a great {job}?",
    ),
    "team event": (
        "Team day out: {event}",
        "We raised £{amount:,} for {charity} this month",
        "Welcoming {n} new starters to the team",
        "Hackathon results: {feature} prototype in 48 hours",
    ),
    "talk": (
        "Speaking at {conference} on {topic}",
        "Slides from my {conference} talk on {topic}",
        "Great conversations at our {conference} stand",
        "{n} takeaways from {conference}",
    ),
    "insight": (
        "Why {insight}",
        "Lessons from {n} years in retail analytics",
        "Webinar on {topic}: sign-up open",
        "Opinion: {insight}",
    ),
    "milestone": (
        "{customers} customers and counting",
        "Shortlisted for the Northern Tech Awards",
        "New partnership with {client}",
        "Behind the scenes: how we built {feature}",
    ),
}
_TEAM_TOPICS = {
    "Sales": {"case study": 6, "insight": 3, "milestone": 3, "talk": 1, "team event": 1, "hiring": 1, "product tip": 1},
    "Engineering": {
        "product tip": 5,
        "talk": 3,
        "hiring": 2,
        "team event": 2,
        "insight": 2,
        "case study": 1,
        "milestone": 1,
    },
    "Customer Success": {
        "case study": 4,
        "product tip": 5,
        "insight": 2,
        "team event": 2,
        "milestone": 1,
        "talk": 1,
        "hiring": 1,
    },
    "Marketing": {
        "case study": 3,
        "talk": 3,
        "milestone": 3,
        "insight": 3,
        "team event": 2,
        "product tip": 2,
        "hiring": 1,
    },
    "Operations": {
        "hiring": 5,
        "team event": 5,
        "milestone": 2,
        "insight": 1,
        "case study": 1,
        "product tip": 0,
        "talk": 0,
    },
}


def demo_tabs(today: dt.date, seed: int = DEFAULT_SEED) -> dict[str, list[list[str]]]:
    """The demo Sheet's tabs as the API returns them: header first, strings only, trailing blanks trimmed."""
    monday = today - dt.timedelta(days=today.weekday())
    rng = random.Random(f"rally-demo-{seed}-{monday.isoformat()}")
    posts = _draw_posts(monday, rng)
    _add_deliberate_issues(posts, monday, rng)
    posts = [p for p in posts if p.date is None or p.date <= today]
    _blank_latest_metrics(posts)
    return {
        "Posts": [POSTS_HEADER] + [_trim(p.cells()) for p in posts],
        "Staff": [STAFF_HEADER] + [_trim(_staff_cells(p, monday)) for p in _STAFF],
        "KPIs": [KPIS_HEADER] + _kpi_rows(today, seed),
        "Notes": [NOTES_HEADER] + [_trim(r) for r in _note_rows(posts, monday)],
        "Settings": [SETTINGS_HEADER] + [list(r) for r in _settings_rows()],
    }


@dataclass
class _Post:
    date: dt.date | None
    name: str
    team: str
    platform: str
    link: str
    summary: str
    metrics: list[int] | None  # reach, reactions, comments, shares, clicks; None = not in yet
    person: _Person
    reach_text: str | None = None  # overrides the typed reach, for the deliberate slips

    def cells(self) -> list[str]:
        numbers = [""] * 5 if self.metrics is None else [str(m) for m in self.metrics]
        if self.reach_text is not None:
            numbers[0] = self.reach_text
        day = "" if self.date is None else self.date.isoformat()
        return [day, self.name, self.team, self.platform, self.link, self.summary, *numbers]


def _draw_posts(monday: dt.date, rng: random.Random) -> list[_Post]:
    """Every post of the 26 weeks, whole weeks even past today (cut later so the draw is day-stable)."""
    links: set[str] = set()
    posts: list[_Post] = []
    last_posted: dict[str, int] = {}  # weeks ago
    for weeks_ago in range(WEEKS - 1, -1, -1):
        week_start = monday - dt.timedelta(weeks=weeks_ago)
        week: list[_Post] = []
        for person in _STAFF:
            days = _posting_days(person, weeks_ago, rng)
            # The facilitator nudges anyone gone quiet for a month, and it works: only the
            # lapsed habit stays silent for four weeks running up to the meeting.
            if not days and weeks_ago == 1 and person.habit != "lapsed" and last_posted.get(person.name, 0) >= 5:
                days = [rng.randrange(5)]
            for day in days:
                date = week_start + dt.timedelta(days=day)
                if date < monday - dt.timedelta(days=person.joined_days):
                    continue
                week.append(_new_post(person, date, rng, links))
                last_posted[person.name] = weeks_ago
        rng.shuffle(week)  # rows are logged in no particular order within a day
        posts.extend(sorted(week, key=lambda p: p.date))
    _plant_breakouts(posts, monday, rng)
    return posts


def _posting_days(person: _Person, weeks_ago: int, rng: random.Random) -> list[int]:
    """Which weekdays (0 = Monday) this person posts on, `weeks_ago` weeks before the current one."""
    chance, typical = _HABITS[person.habit]
    # The programme started 26 weeks ago: participation warms up over the first four months.
    chance *= min(1.0, 0.55 + 0.45 * (WEEKS - 1 - weeks_ago) / 17)
    if weeks_ago == 1:
        chance = min(0.95, chance * 1.2)  # a push before the meeting: the last complete week is busy
    count = 0
    roll = rng.random()
    if person.habit == "streak" and weeks_ago < person.streak:
        count = max(1, _count(typical, rng))
    elif person.habit == "streak" and weeks_ago == person.streak:
        count = 0  # the week before the streak began
    elif person.habit == "rising" and weeks_ago <= 3:
        count = 4 - weeks_ago  # 1, 2, 3 posts in the last three complete weeks
    elif person.habit == "first":
        count = _count(typical, rng) if weeks_ago == 1 else int(weeks_ago == 0 and roll < 0.5)
    elif person.habit == "lapsed" and weeks_ago < person.last_active:
        count = 0
    elif person.habit == "lapsed" and weeks_ago == person.last_active:
        count = max(1, _count(typical, rng))
    elif roll < chance:
        count = _count(typical, rng)
    days = rng.choices(range(7), weights=_DAY_WEIGHTS, k=count)
    if person.habit in ("streak", "first") and weeks_ago == 0 and days:
        days[0] = 0  # they post first thing on Monday, so the streak or debut shows on any day
    return sorted(days)


def _count(typical: float, rng: random.Random) -> int:
    return max(1, min(5, round(rng.gauss(typical, 0.8))))


def _new_post(person: _Person, date: dt.date, rng: random.Random, links: set[str]) -> _Post:
    platform = rng.choices(_PLATFORMS, weights=_PLATFORM_WEIGHTS[person.team])[0]
    summary = _summary(person, platform, rng)
    link = _link(person, date, platform, summary, rng)
    while link in links:
        link = _link(person, date, platform, summary, rng)
    links.add(link)
    return _Post(date, person.name, person.team, platform, link, summary, _metrics(platform, rng), person)


def _summary(person: _Person, platform: str, rng: random.Random) -> str:
    weights = _TEAM_TOPICS[person.team]
    topic = rng.choices(list(weights), weights=list(weights.values()))[0]
    job, job_team = rng.choice(_JOBS)
    text = rng.choice(_TEMPLATES[topic]).format(
        client=rng.choice(_CLIENTS),
        pct=rng.randrange(8, 36),
        n=rng.randrange(3, 8),
        product=DEMO_PRODUCT,
        feature=rng.choice(_FEATURES),
        tip=rng.choice(_TIPS),
        job=job,
        job_team=job_team,
        city=rng.choice(_CITIES),
        event=rng.choice(_TEAM_EVENTS),
        amount=rng.randrange(6, 40) * 50,
        charity=rng.choice(_CHARITIES),
        conference=rng.choice(_CONFERENCES),
        topic=rng.choice(_TALK_TOPICS),
        insight=rng.choice(_INSIGHTS),
        customers=rng.choice((150, 200, 250, 300)),
    )
    if platform == "Blog":
        return f"Blog: {text}"
    if platform in ("TikTok", "YouTube"):
        return f"Video: {text}"
    return text


def _slug(text: str, words: int = 7) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "-".join(re.findall(r"[a-z0-9]+", ascii_text.lower())[:words])


def _token(rng: random.Random, length: int, alphabet: str = string.ascii_letters + string.digits) -> str:
    return "".join(rng.choices(alphabet, k=length))


def _link(person: _Person, date: dt.date, platform: str, summary: str, rng: random.Random) -> str:
    """A URL shaped like the platform's own; IDs carry the posting time the way the real ones do."""
    moment = dt.datetime(date.year, date.month, date.day, tzinfo=dt.UTC) + dt.timedelta(
        minutes=rng.randrange(7 * 60, 21 * 60)
    )
    millis = int(moment.timestamp() * 1000)
    handle = _slug(person.name, 4)
    if platform == "LinkedIn":
        activity = (millis << 22) | rng.getrandbits(22)
        tail = _token(rng, 4)
        profile = f"{handle}-{zlib.crc32(person.name.encode()):08x}"[:-2]  # one profile URL per person
        return f"https://www.linkedin.com/posts/{profile}_{_slug(summary)}-activity-{activity}-{tail}"
    if platform == "X":
        snowflake = ((millis - 1_288_834_974_657) << 22) | rng.getrandbits(22)
        return f"https://x.com/{handle.replace('-', '_')}/status/{snowflake}"
    if platform == "Facebook":
        return f"https://www.facebook.com/{handle.replace('-', '.')}/posts/pfbid0{_token(rng, 34)}"
    if platform == "Instagram":
        return f"https://www.instagram.com/p/{_token(rng, 11, string.ascii_letters + string.digits + '_-')}/"
    if platform == "Blog":
        words = _slug(summary.removeprefix("Blog: "), 9)
        return f"https://{DEMO_DOMAIN}/blog/{date:%Y/%m}/{words}-{_token(rng, 3, 'abcdefghijkmnpqrstuvwxyz23456789')}"
    if platform == "TikTok":
        video = (millis // 1000 << 32) | rng.getrandbits(32)
        return f"https://www.tiktok.com/@fernhillanalytics/video/{video}"
    return f"https://www.youtube.com/watch?v={_token(rng, 11, string.ascii_letters + string.digits + '_-')}"


def _metrics(platform: str, rng: random.Random, reach: int | None = None) -> list[int]:
    """Reach, reactions, comments, shares, clicks: log-normal reach unless given, engagement that follows it."""
    median, rate = _PLATFORM_SCALE[platform]
    while reach is None:
        drawn = max(12, round(median * math.exp(rng.gauss(0, 0.7))))
        reach = drawn if drawn <= _NORMAL_REACH_CAP else None
    reactions = round(reach * rate * math.exp(rng.gauss(0, 0.45)))
    comments = round(reactions * rng.uniform(0.03, 0.28))
    shares = round(reactions * rng.uniform(0.0, 0.12))
    click_rate = rng.uniform(0.03, 0.09) if platform == "Blog" else rng.uniform(0.002, 0.025)
    return [reach, reactions, comments, shares, round(reach * click_rate)]


def _plant_breakouts(posts: list[_Post], monday: dt.date, rng: random.Random) -> None:
    """A few posts that took off: the rising star's best, and five scattered through the half-year."""
    last_week = monday - dt.timedelta(weeks=1)
    rising = [p for p in posts if p.person.habit == "rising" and last_week <= p.date < monday]
    older = [p for p in posts if p.platform in _BREAKOUT_PLATFORMS and p.date < last_week - dt.timedelta(weeks=1)]
    for post in rising[-1:] + rng.sample(older, 5):
        post.metrics = _metrics(post.platform, rng, rng.randrange(3_000, _BREAKOUT_REACH_CAP))


def _add_deliberate_issues(posts: list[_Post], monday: dt.date, rng: random.Random) -> None:
    """The slips of DELIBERATE_ISSUES, each in its own week, 5 to 20 weeks back."""

    def pick(weeks_ago: range, keep=lambda p: True) -> _Post:
        start = monday - dt.timedelta(weeks=weeks_ago.stop - 1)
        end = monday - dt.timedelta(weeks=weeks_ago.start - 1)
        return rng.choice([p for p in posts if p.date is not None and start <= p.date < end and keep(p)])

    # Logged again the next day, with the numbers as they were by then.
    original = pick(range(15, 17), lambda p: p.platform == "LinkedIn" and p.person.habit in ("streak", "regular"))
    again = replace(
        original, date=original.date + dt.timedelta(days=1), metrics=[round(m * 1.15) for m in original.metrics]
    )
    posts.insert(bisect.bisect_right(posts, again.date, key=lambda p: p.date), again)

    pick(range(11, 13), lambda p: p.name == "Maya Patel").name = "maya  patel "
    typed_k = pick(range(9, 11), lambda p: p.platform == "LinkedIn" and p.metrics[0] < _NORMAL_REACH_CAP)
    typed_k.metrics = _metrics("LinkedIn", rng, rng.randrange(1_150, 1_250))
    typed_k.reach_text = "1.2k"
    pick(range(8, 9), lambda p: p.platform in ("X", "LinkedIn")).reach_text = "n/a"
    pick(range(5, 8), lambda p: p.platform == "Facebook").platform = "FB"
    pick(range(20, 21), lambda p: p.platform == "LinkedIn").platform = "linked in"
    pick(range(18, 19)).date = None  # last: the other picks need dates


def _blank_latest_metrics(posts: list[_Post]) -> None:
    """The four most recent posts have no numbers yet: people fill them in a day or two later."""
    dated = [p for p in posts if p.date is not None]
    for post in dated[-4:]:
        post.metrics = None


def _trim(cells: list[str]) -> list[str]:
    """Drop trailing blanks, as the Sheets API does."""
    end = len(cells)
    while end and cells[end - 1] == "":
        end -= 1
    return cells[:end]


def _staff_cells(person: _Person, monday: dt.date) -> list[str]:
    trained = ", ".join(TRAINING_MODULES[i] for i in person.trained)
    joined = monday - dt.timedelta(days=person.joined_days)
    return [person.name, person.team, person.role, person.leaderboard, trained, joined.isoformat()]


def _kpi_rows(today: dt.date, seed: int) -> list[list[str]]:
    """Twelve months of actuals and targets; the current month so far, targets for the whole month."""
    rng = random.Random(f"rally-demo-kpis-{seed}-{today:%Y-%m}")
    elapsed = today.day / calendar.monthrange(today.year, today.month)[1]
    first = today.year * 12 + today.month - 1 - (KPI_MONTHS - 1)
    followers = 4_180
    rows: list[list[str]] = []
    for index in range(KPI_MONTHS):
        year, month = divmod(first + index, 12)
        label = f"{year:04d}-{month + 1:02d}"
        current = index == KPI_MONTHS - 1
        share = elapsed if current else 1.0
        # The advocacy programme began six months ago: before it, most months fall short.
        programme = index >= KPI_MONTHS - PROGRAMME_MONTHS
        form = rng.gauss(1.04, 0.08) if programme else rng.gauss(0.93, 0.07)
        traffic_target = round(1_800 * 1.035**index, -1)
        leads_target = 30 + index
        sales_target = 5 + index // 4
        growth = rng.gauss(165, 30) if programme else rng.gauss(95, 25)
        follower_target = 4_200 + 110 * (index + 1)
        leads = leads_target * form * rng.gauss(1.0, 0.06)
        values = (
            (DEMO_KPIS[0], traffic_target * form * share, traffic_target),
            (DEMO_KPIS[1], followers + growth * share, follower_target),
            (DEMO_KPIS[2], leads * share, leads_target),
            (DEMO_KPIS[3], leads * rng.uniform(0.15, 0.22) * share, sales_target),
        )
        followers += growth
        rows += [[label, kpi, str(round(actual)), str(round(target))] for kpi, actual, target in values]
        if programme:
            # Targets that rise as the programme grows; the figures themselves come from the Posts tab.
            posts_target = 110 + 22 * (index - (KPI_MONTHS - PROGRAMME_MONTHS))
            rows += [
                [label, DEMO_COUNTED_KPIS[0], "", str(posts_target)],
                [label, DEMO_COUNTED_KPIS[1], "", str(posts_target * 600)],
            ]
    return rows


def _week_label(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _note_rows(posts: list[_Post], monday: dt.date) -> list[list[str]]:
    """The facilitator's notes for the last three complete weeks, and an older hero."""

    def week_posts(weeks_ago: int) -> list[_Post]:
        start = monday - dt.timedelta(weeks=weeks_ago)
        return [
            p for p in posts
            if p.date is not None and start <= p.date < start + dt.timedelta(weeks=1) and p.person.leaderboard == "show"
        ]  # fmt: skip

    def label(weeks_ago: int) -> str:
        return _week_label(monday - dt.timedelta(weeks=weeks_ago))

    def top_reach(weeks_ago: int) -> _Post:
        return max((p for p in week_posts(weeks_ago) if p.metrics), key=lambda p: p.metrics[0])

    def most_posts(weeks_ago: int, exclude: set[str]) -> str:
        names = [p.person.name for p in week_posts(weeks_ago) if p.person.name not in exclude]
        return max(sorted(set(names)), key=names.count)

    hero = top_reach(6)
    debut = next(p.person.name for p in week_posts(1) if p.person.habit == "first")
    star = top_reach(1)
    helper = most_posts(3, set())
    return [
        [label(6), "Hero", hero.person.name, f"Best week yet: '{hero.summary}' reached {hero.metrics[0]:,} people"],
        [label(3), "Highlight", "", "Three customer stories in one week, and each one got questions from prospects"],
        [label(3), "Improve", "", "Reply to comments within a day: two good questions sat unanswered all weekend"],
        [label(3), "Kudos", helper, "Helped three colleagues tidy up their LinkedIn profiles"],
        [label(2), "Highlight", "", "Our conference recap was the most shared post of the month"],
        [label(2), "Improve", "", "Add a link to the case study when you mention a customer"],
        [label(2), "Kudos", most_posts(2, {helper}), "Posted on four working days out of five"],
        [label(1), "Highlight", star.person.name, f"'{star.summary}' reached {star.metrics[0]:,} people, our best this week"],
        [label(1), "Improve", "", "Log your posts the same day, so Monday's numbers are complete"],
        [label(1), "Kudos", debut, "First post ever. Welcome to the conversation!"],
    ]  # fmt: skip


def _settings_rows() -> tuple[tuple[str, str], ...]:
    """Defaults, stated so a company copying the demo sees what it can change."""
    return (
        ("refresh seconds", "60"),
        ("date order", "day-first"),
        ("points per post", "10"),
        ("weekly post cap", "10"),
        ("anonymity threshold", "5"),
    )
