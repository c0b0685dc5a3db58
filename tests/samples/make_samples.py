"""How the sample exports in this folder were made (run once; the tests read the files, not this script).

They follow the layouts the platforms export (see rally/monthly/imports.py): LinkedIn's page analytics
as real BIFF .xls files (a description row above the header on "All posts", dates as MM/DD/YYYY text),
the content export also as .xlsx (what Excel's "Save as" makes), and GA4's traffic acquisition CSV with
its "#" preamble. Needs `pip install xlwt==1.3.0 openpyxl` to run again: `python tests/samples/make_samples.py`.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
ACTIVITY = "https://www.linkedin.com/feed/update/urn:li:activity:{}"
POSTS = [  # (activity id, title, created, impressions, likes, comments, reposts, clicks)
    ("7381234567890123456", "Case study: how Acme cut reporting time by half", "10/06/2026", 4210, 96, 14, 7, 38),
    ("7382234567890123456", "We're hiring a data engineer in Leeds", "10/13/2026", 2890, 41, 6, 12, 77),
    ("7383234567890123456", "Behind the scenes at our Data Leaders talk", "10/20/2026", 1534, 58, 9, 2, 11),
    ("7389999999999999999", "Office dog of the month", "10/27/2026", 980, 120, 31, 0, 4),  # no post in Rally has it
]
CONTENT_HEADER = [
    "Post title", "Post link", "Post type", "Campaign name", "Posted by", "Created date", "Campaign start date",
    "Campaign end date", "Audience", "Impressions", "Views", "Offsite Views", "Clicks", "Click through rate (CTR)",
    "Likes", "Comments", "Reposts", "Follows", "Engagement rate", "Content Type",
]  # fmt: skip
METRICS_HEADER = [
    "Date", "Impressions (organic)", "Impressions (sponsored)", "Impressions (total)", "Unique impressions (organic)",
    "Clicks (organic)", "Clicks (sponsored)", "Clicks (total)", "Reactions (organic)", "Reactions (sponsored)",
    "Reactions (total)", "Comments (organic)", "Comments (sponsored)", "Comments (total)", "Reposts (organic)",
    "Reposts (sponsored)", "Reposts (total)", "Engagement rate (organic)", "Engagement rate (sponsored)",
    "Engagement rate (total)",
]  # fmt: skip
VISITOR_HEADER = [
    "Date", "Overview page views (desktop)", "Overview page views (mobile)", "Overview page views (total)",
    "Overview unique visitors (desktop)", "Overview unique visitors (mobile)", "Overview unique visitors (total)",
    "Life page views (desktop)", "Life page views (mobile)", "Life page views (total)", "Jobs page views (desktop)",
    "Jobs page views (mobile)", "Jobs page views (total)", "Total page views (desktop)", "Total page views (mobile)",
    "Total page views (total)", "Total unique visitors (desktop)", "Total unique visitors (mobile)",
    "Total unique visitors (total)",
]  # fmt: skip


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def content_rows() -> tuple[list[list], list[list]]:
    posts = []
    for activity, title, created, impressions, likes, comments, reposts, clicks in POSTS:
        engagement = (likes + comments + reposts + clicks) / impressions
        posts.append([
            title, ACTIVITY.format(activity), "Organic", "", "Maya Patel", created, "", "", "All followers",
            impressions, "", "", clicks, round(clicks / impressions, 6), likes, comments, reposts, 3,
            round(engagement, 6), "",
        ])  # fmt: skip
    random.seed(7)
    metrics = []
    for day in days(date(2026, 10, 1), date(2026, 10, 31)):
        organic = random.randint(150, 600)
        metrics.append(
            [f"{day:%m/%d/%Y}", organic, 0, organic, int(organic * 0.7)]
            + [random.randint(1, 20), 0, 0] * 4
            + [0.05, 0, 0.05]
        )
    return posts, metrics


def followers_rows() -> list[list]:
    random.seed(11)  # September: 1 + 2 + … new a day; October likewise (sums checked by the tests)
    rows = []
    for day in days(date(2026, 9, 1), date(2026, 10, 31)):
        organic, sponsored = random.randint(2, 9), random.choice([0, 0, 1])
        rows.append([f"{day:%m/%d/%Y}", sponsored, organic, 0, organic + sponsored])
    return rows


def visitors_rows() -> list[list]:
    random.seed(13)
    rows = []
    for day in days(date(2026, 10, 1), date(2026, 10, 31)):
        desktop, mobile = random.randint(20, 60), random.randint(10, 40)
        rows.append(
            [f"{day:%m/%d/%Y}"]
            + [0] * 12
            + [desktop, mobile, desktop + mobile, desktop // 2, mobile // 2, (desktop + mobile) // 2]
        )
    return rows


def write_xls(path: Path, sheets: dict[str, list[list]]) -> None:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    for name, rows in sheets.items():
        sheet = book.add_sheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value != "":
                    sheet.write(r, c, value)
    book.save(str(path))


def write_xlsx(path: Path, sheets: dict[str, list[list]]) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append([None if v == "" else v for v in row])
    book.save(str(path))


def main() -> None:
    posts, metrics = content_rows()
    note = "All posts: the metrics in this table are for the lifetime of each post, as of the export date."
    content = {
        "Metrics": [["Aggregated metrics for the selected date range, by day."], METRICS_HEADER, *metrics],
        "All posts": [[note], CONTENT_HEADER, *posts],
    }
    write_xls(HERE / "linkedin_content.xls", content)
    write_xlsx(HERE / "linkedin_content.xlsx", content)
    followers = {
        "New followers": [
            ["Date", "Sponsored followers", "Organic followers", "Auto-invited followers", "Total followers"],
            *followers_rows(),
        ],
        "Location": [["Location", "Total followers"], ["Greater Leeds Area", 812], ["London Area", 640]],
        "Job function": [["Job function", "Total followers"], ["Engineering", 903], ["Sales", 420]],
        "Seniority": [["Seniority", "Total followers"], ["Senior", 1210], ["Entry", 655]],
        "Industry": [["Industry", "Total followers"], ["IT Services and IT Consulting", 1400]],
        "Company size": [["Company size", "Total followers"], ["11-50", 380], ["51-200", 540]],
    }
    write_xls(HERE / "linkedin_followers.xls", followers)
    visitors = {
        "Visitor metrics": [VISITOR_HEADER, *visitors_rows()],
        "Location": [["Location", "Total views"], ["Greater Leeds Area", 310]],
        "Job function": [["Job function", "Total views"], ["Engineering", 280]],
    }
    write_xls(HERE / "linkedin_visitors.xls", visitors)
    ga4 = [
        "# ----------------------------------------",
        "# Traffic acquisition: Session primary channel group (Default Channel Group)",
        "# Account: Acme Analytics",
        "# Property: acme.example - GA4",
        "# ----------------------------------------",
        "# ",
        "# All Users",
        "# Start date: 20261001",
        "# End date: 20261031",
        "Session primary channel group (Default Channel Group),Sessions,Engaged sessions,Engagement rate,"
        "Average engagement time per session,Events per session,Event count,Key events,Session key event rate,Total revenue",
        "Organic Search,9120,5837,0.640021929824561,61.2,7.9,72048,112,0.0122807017543860,0",
        "Direct,4410,2381,0.539909297052154,48.7,6.4,28224,61,0.0138321995464853,0",
        "Organic Social,2934,1673,0.570211315610089,39.5,5.2,15257,18,0.00613496932515337,0",
        "Referral,1187,742,0.625105307497894,70.3,8.8,10446,9,0.00758213984835720,0",
        "Paid Social,644,212,0.329192546583851,18.1,3.9,2512,2,0.00310559006211180,0",
        "Unassigned,122,4,0.0327868852459016,2.0,1.6,195,0,0,0",
        "",
        "# ----------------------------------------",
        "Nth day,Organic Search,Direct,Organic Social,Referral,Paid Social",
        "0000,301,142,95,38,21",
        "0001,288,139,101,41,19",
    ]
    (HERE / "ga4_traffic_acquisition.csv").write_text("\n".join(ga4) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
