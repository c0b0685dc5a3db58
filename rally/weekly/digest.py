"""The weekly digest: the meeting in one message to share across the organisation (JSON, Markdown or e-mail HTML).

The same `WeeklyMeeting` feeds the presenter and the digest, so the numbers match.
Staff text is untrusted: Markdown is escaped, HTML is escaped, and only http(s)
links become links. Opted-out people appear as "Anonymous" here too.
"""

from __future__ import annotations

import html
import json
import math

from rally.core.text import md_escape, md_link, safe_link
from rally.weekly.meeting import WeeklyMeeting

DIGEST_LEADERBOARD_RANKS = 10  # the top ten (and anyone tied with the tenth)
FORMATS = ("json", "markdown", "html")


def _number(value: float) -> int | float:
    """Whole numbers as ints in JSON (points may be fractional when a weight is)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return 0
    return int(value) if float(value).is_integer() else round(float(value), 2)


def digest_data(meeting: WeeklyMeeting) -> dict:
    """The digest as plain data, with exactly the keys the issue names."""
    this = meeting.glance.this
    board = meeting.leaderboard[meeting.leaderboard["rank"] <= DIGEST_LEADERBOARD_RANKS]
    return {
        "week": meeting.week,
        "start": meeting.start.isoformat(),
        "end": meeting.end.isoformat(),
        "totals": {
            "posts": this.posts,
            "people": this.people,
            "reach": _number(this.reach),
            "engagements": _number(this.engagements),
        },
        "platforms": dict(meeting.platforms),
        "leaderboard": [
            {
                "rank": int(r["rank"]),
                "name": r["name"],
                "team": r["team"],
                "points": _number(r["points"]),
                "posts": int(r["posts"]),
                "reach": _number(r["reach"]),
                "engagements": _number(r["engagements"]),
            }
            for _, r in board.iterrows()
        ],
        "hero": {"name": meeting.hero.name, "reason": meeting.hero.reason} if meeting.hero else None,
        "awards": [{"category": a.category, "name": a.name, "why": a.why} for a in meeting.awards if a.won],
        "highlights": [{"text": h.text, "link": safe_link(h.link) if h.link else None} for h in meeting.highlights],
        "improve": list(meeting.improve),
        "data_issues": [i.as_dict() for i in meeting.issues],
    }


def digest_markdown(data: dict) -> str:
    """The digest as Markdown (for chat tools and wikis); every Sheet text escaped."""
    t = data["totals"]
    lines = [f"# Social media this week: {data['week']}", f"{data['start']} to {data['end']}", ""]
    lines += [
        f"**{t['posts']:,} posts** by **{t['people']:,} people**, reaching **{t['reach']:,}** with **{t['engagements']:,}** engagements."
    ]
    if data["platforms"]:
        lines += [
            "",
            "Platforms: " + ", ".join(f"{md_escape(name)} {count}" for name, count in data["platforms"].items()),
        ]
    if data["hero"]:
        lines += [
            "",
            "## Hero of the week",
            f"**{md_escape(data['hero']['name'] or 'Our hero')}** — {md_escape(data['hero']['reason'])}",
        ]
    if data["highlights"]:
        lines += ["", "## Highlights"] + [
            f"- {md_link(h['text'], h['link']) if h['link'] else md_escape(h['text'])}" for h in data["highlights"]
        ]
    if data["awards"]:
        lines += ["", "## Winners"] + [
            f"- **{md_escape(a['category'])}**: {md_escape(a['name'])} — {md_escape(a['why'])}" for a in data["awards"]
        ]
    if data["leaderboard"]:
        lines += [
            "",
            "## Leaderboard",
            "",
            "| Rank | Name | Team | Points | Posts | Reach | Engagements |",
            "|---:|---|---|---:|---:|---:|---:|",
        ]
        lines += [
            f"| {r['rank']} | {md_escape(r['name'])} | {md_escape(r['team'])} | {r['points']:,} | {r['posts']:,} | {r['reach']:,} | {r['engagements']:,} |"
            for r in data["leaderboard"]
        ]
    if data["improve"]:
        lines += ["", "## What we'll do better"] + [f"- {md_escape(text)}" for text in data["improve"]]
    if data["data_issues"]:
        lines += ["", f"_{len(data['data_issues'])} row(s) in the Sheet need a look: see Data health in Rally._"]
    return "\n".join(lines) + "\n"


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def digest_html(data: dict) -> str:
    """The digest as an e-mail-safe HTML fragment: inline styles, tables, no scripts; every Sheet text escaped."""
    t = data["totals"]
    font = "font-family:Arial,Helvetica,sans-serif;color:#111111;"
    h2 = f'<h2 style="{font}font-size:18px;margin:20px 0 8px;">'
    parts = [
        f'<div style="{font}font-size:14px;line-height:1.5;max-width:680px;">',
        f'<h1 style="{font}font-size:22px;margin:0 0 4px;">Social media this week: {_e(data["week"])}</h1>',
        f'<p style="margin:0 0 12px;color:#444444;">{_e(data["start"])} to {_e(data["end"])}</p>',
        f'<p style="margin:0 0 12px;"><strong>{t["posts"]:,} posts</strong> by <strong>{t["people"]:,} people</strong>, '
        f"reaching <strong>{t['reach']:,}</strong> with <strong>{t['engagements']:,}</strong> engagements.</p>",
    ]
    if data["platforms"]:
        parts.append(
            '<p style="margin:0 0 12px;">Platforms: '
            + ", ".join(f"{_e(name)} {count}" for name, count in data["platforms"].items())
            + "</p>"
        )
    if data["hero"]:
        parts += [
            f"{h2}Hero of the week</h2>",
            f'<p style="margin:0;"><strong>{_e(data["hero"]["name"] or "Our hero")}</strong> — {_e(data["hero"]["reason"])}</p>',
        ]
    if data["highlights"]:
        items = []
        for h in data["highlights"]:
            link = safe_link(h["link"] or "")
            items.append(
                f'<li><a href="{_e(link)}" style="color:#0B5FFF;">{_e(h["text"])}</a></li>'
                if link
                else f"<li>{_e(h['text'])}</li>"
            )
        parts += [f"{h2}Highlights</h2>", '<ul style="margin:0;padding-left:20px;">' + "".join(items) + "</ul>"]
    if data["awards"]:
        parts += [
            f"{h2}Winners</h2>",
            '<ul style="margin:0;padding-left:20px;">'
            + "".join(
                f"<li><strong>{_e(a['category'])}</strong>: {_e(a['name'])} — {_e(a['why'])}</li>"
                for a in data["awards"]
            )
            + "</ul>",
        ]
    if data["leaderboard"]:
        cell = 'style="padding:4px 8px;border-bottom:1px solid #dddddd;text-align:{align};"'
        head = "".join(
            f"<th {cell.format(align='right' if i in (0, 3, 4, 5, 6) else 'left')}>{name}</th>"
            for i, name in enumerate(["Rank", "Name", "Team", "Points", "Posts", "Reach", "Engagements"])
        )
        rows = "".join(
            "<tr>"
            + "".join(
                f"<td {cell.format(align='right' if i in (0, 3, 4, 5, 6) else 'left')}>{value}</td>"
                for i, value in enumerate(
                    [
                        r["rank"],
                        _e(r["name"]),
                        _e(r["team"]),
                        f"{r['points']:,}",
                        f"{r['posts']:,}",
                        f"{r['reach']:,}",
                        f"{r['engagements']:,}",
                    ]
                )
            )
            + "</tr>"
            for r in data["leaderboard"]
        )
        parts += [
            f"{h2}Leaderboard</h2>",
            f'<table style="{font}border-collapse:collapse;font-size:14px;"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>',
        ]
    if data["improve"]:
        parts += [
            f"{h2}What we'll do better</h2>",
            '<ul style="margin:0;padding-left:20px;">'
            + "".join(f"<li>{_e(text)}</li>" for text in data["improve"])
            + "</ul>",
        ]
    if data["data_issues"]:
        parts.append(
            f'<p style="margin:16px 0 0;color:#444444;"><em>{len(data["data_issues"])} row(s) in the Sheet need a look: see Data health in Rally.</em></p>'
        )
    parts.append("</div>")
    return "\n".join(parts) + "\n"


def render_digest(data: dict, form: str) -> str:
    """The digest in one of FORMATS."""
    if form == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if form == "markdown":
        return digest_markdown(data)
    if form == "html":
        return digest_html(data)
    raise ValueError(f"{form!r} is not one of {', '.join(FORMATS)}")
