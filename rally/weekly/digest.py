"""The weekly digest: the meeting in one message to share across the organisation (JSON, Markdown or e-mail HTML).

The same `WeeklyMeeting` feeds the presenter and the digest, so the numbers match.
Staff text is untrusted: Markdown is escaped, HTML is escaped, and only http(s)
links become links. Opted-out people appear as "Anonymous" here too.
"""

from __future__ import annotations

import html
import json
import math

from rally.core.text import md_literal, safe_link
from rally.weekly.meeting import WeeklyMeeting

DIGEST_LEADERBOARD_RANKS = 10  # the top ten (and anyone tied with the tenth)
FORMATS = ("json", "markdown", "text", "html")


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
    """The digest as Markdown (for chat tools and wikis) that also reads as plain text: Sheet text is escaped only where it would become markup."""
    t = data["totals"]
    lines = [f"# Social media this week: {data['week']}", f"{data['start']} to {data['end']}", ""]
    lines += [
        f"**{t['posts']:,} posts** by **{t['people']:,} people**, reaching **{t['reach']:,}** with **{t['engagements']:,}** engagements."
    ]
    if data["platforms"]:
        lines += [
            "",
            "Platforms: " + ", ".join(f"{md_literal(name)} {count}" for name, count in data["platforms"].items()),
        ]
    if data["hero"]:
        lines += [
            "",
            "## Hero of the week",
            f"**{md_literal(data['hero']['name'] or 'Our hero')}** — {md_literal(data['hero']['reason'])}",
        ]
    if data["highlights"]:
        lines += ["", "## Highlights"] + [f"- {_md_highlight(h)}" for h in data["highlights"]]
    if data["awards"]:
        lines += ["", "## Winners"] + [
            f"- **{md_literal(a['category'])}**: {md_literal(a['name'])} — {md_literal(a['why'])}"
            for a in data["awards"]
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
            f"| {r['rank']} | {md_literal(r['name'], table_cell=True)} | {md_literal(r['team'], table_cell=True)} | {r['points']:,} | {r['posts']:,} | {r['reach']:,} | {r['engagements']:,} |"
            for r in data["leaderboard"]
        ]
    if data["improve"]:
        lines += ["", "## What we'll do better"] + [f"- {md_literal(text)}" for text in data["improve"]]
    if data["data_issues"]:
        lines += ["", f"_{len(data['data_issues'])} row(s) in the Sheet need a look: see Data health in Rally._"]
    return "\n".join(lines) + "\n"


def _md_highlight(highlight: dict) -> str:
    link = safe_link(highlight["link"] or "")
    if not link:
        return md_literal(highlight["text"])
    # Parentheses, spaces and angle brackets would end the Markdown URL early: percent-encode them.
    encoded = link.translate({ord(c): f"%{ord(c):02X}" for c in " ()<>"})
    return f"[{md_literal(highlight['text'])}]({encoded})"


def digest_text(data: dict) -> str:
    """The digest as plain text (an e-mail's text part): no markup at all, links written out after their text."""
    t = data["totals"]
    title = f"Social media this week: {data['week']}"
    lines = [title, "=" * len(title), f"{data['start']} to {data['end']}", ""]
    lines.append(
        f"{t['posts']:,} posts by {t['people']:,} people, reaching {t['reach']:,} with {t['engagements']:,} engagements."
    )

    def section(heading: str, items: list[str]) -> None:
        lines.extend(["", heading, "-" * len(heading), *items])

    if data["platforms"]:
        lines += ["", "Platforms: " + ", ".join(f"{_plain(n)} {c}" for n, c in data["platforms"].items())]
    if data["hero"]:
        section("Hero of the week", [f"{_plain(data['hero']['name'] or 'Our hero')}: {_plain(data['hero']['reason'])}"])
    if data["highlights"]:
        section(
            "Highlights",
            [
                f"- {_plain(h['text'])}" + (f" <{safe_link(h['link'])}>" if safe_link(h["link"] or "") else "")
                for h in data["highlights"]
            ],
        )
    if data["awards"]:
        section(
            "Winners", [f"- {_plain(a['category'])}: {_plain(a['name'])} ({_plain(a['why'])})" for a in data["awards"]]
        )
    if data["leaderboard"]:
        rows = [["Rank", "Name", "Team", "Points", "Posts", "Reach", "Engagements"]] + [
            [str(r["rank"]), _plain(r["name"]), _plain(r["team"])]
            + [f"{r[k]:,}" for k in ("points", "posts", "reach", "engagements")]
            for r in data["leaderboard"]
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(7)]
        section(
            "Leaderboard",
            [
                "  ".join(
                    cell.rjust(w) if i in (0, 3, 4, 5, 6) else cell.ljust(w)
                    for i, (cell, w) in enumerate(zip(row, widths))
                ).rstrip()
                for row in rows
            ],
        )
    if data["improve"]:
        section("What we'll do better", [f"- {_plain(text)}" for text in data["improve"]])
    if data["data_issues"]:
        lines += ["", f"{len(data['data_issues'])} row(s) in the Sheet need a look: see Data health in Rally."]
    return "\n".join(lines) + "\n"


def _plain(text: object) -> str:
    """Sheet text on one line (a newline in a cell can't fake a heading or a row)."""
    return " ".join(str(text).split())


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


FONT = "font-family:Arial,Helvetica,sans-serif;color:#111111;"
NUMERIC = (0, 3, 4, 5, 6)  # leaderboard columns aligned right


def digest_html(data: dict) -> str:
    """The digest as an e-mail-safe HTML fragment: table layout, inline styles, no images, scripts or outside files; every Sheet text escaped.

    Tables rather than a max-width div because Outlook's Word engine ignores widths and
    margins on divs; every style is inline because mail clients drop <style> blocks.
    """
    t = data["totals"]
    h2 = f'<h2 style="{FONT}font-size:18px;margin:20px 0 8px;">'
    rows = [
        f'<h1 style="{FONT}font-size:22px;margin:0 0 4px;">Social media this week: {_e(data["week"])}</h1>',
        f'<p style="{FONT}margin:0 0 12px;color:#444444;">{_e(data["start"])} to {_e(data["end"])}</p>',
        f'<p style="{FONT}margin:0 0 12px;"><strong>{t["posts"]:,} posts</strong> by <strong>{t["people"]:,} people</strong>, '
        f"reaching <strong>{t['reach']:,}</strong> with <strong>{t['engagements']:,}</strong> engagements.</p>",
    ]
    if data["platforms"]:
        rows.append(
            f'<p style="{FONT}margin:0 0 12px;">Platforms: '
            + ", ".join(f"{_e(name)} {count}" for name, count in data["platforms"].items())
            + "</p>"
        )
    if data["hero"]:
        rows.append(
            f"{h2}Hero of the week</h2>"
            f'<p style="{FONT}margin:0;"><strong>{_e(data["hero"]["name"] or "Our hero")}</strong> — {_e(data["hero"]["reason"])}</p>'
        )
    if data["highlights"]:
        items = []
        for h in data["highlights"]:
            link = safe_link(h["link"] or "")
            items.append(f'<a href="{_e(link)}" style="color:#0B5FFF;">{_e(h["text"])}</a>' if link else _e(h["text"]))
        rows.append(f"{h2}Highlights</h2>" + _list(items))
    if data["awards"]:
        rows.append(
            f"{h2}Winners</h2>"
            + _list(f"<strong>{_e(a['category'])}</strong>: {_e(a['name'])} — {_e(a['why'])}" for a in data["awards"])
        )
    if data["leaderboard"]:
        cell = 'style="' + FONT + 'font-size:14px;padding:4px 8px;border-bottom:1px solid #dddddd;text-align:{align};"'
        head = "".join(
            f"<th {cell.format(align='right' if i in NUMERIC else 'left')}>{name}</th>"
            for i, name in enumerate(["Rank", "Name", "Team", "Points", "Posts", "Reach", "Engagements"])
        )
        body = "".join(
            "<tr>"
            + "".join(
                f"<td {cell.format(align='right' if i in NUMERIC else 'left')}>{value}</td>"
                for i, value in enumerate(
                    [r["rank"], _e(r["name"]), _e(r["team"])]
                    + [f"{r[k]:,}" for k in ("points", "posts", "reach", "engagements")]
                )
            )
            + "</tr>"
            for r in data["leaderboard"]
        )
        rows.append(
            f"{h2}Leaderboard</h2>"
            '<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse;">'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        )
    if data["improve"]:
        rows.append(f"{h2}What we'll do better</h2>" + _list(_e(text) for text in data["improve"]))
    if data["data_issues"]:
        rows.append(
            f'<p style="{FONT}margin:16px 0 0;color:#444444;"><em>{len(data["data_issues"])} row(s) in the Sheet need a look: see Data health in Rally.</em></p>'
        )
    inner = "\n".join(f'<tr><td style="{FONT}font-size:14px;line-height:1.5;">{row}</td></tr>' for row in rows)
    return (
        '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0"><tr><td align="center">\n'
        '<table role="presentation" width="640" cellpadding="0" cellspacing="0" border="0" '
        'style="width:640px;max-width:100%;background:#ffffff;padding:16px;">\n'
        f"{inner}\n</table>\n</td></tr></table>\n"
    )


def _list(items) -> str:
    return (
        f'<ul style="{FONT}margin:0;padding-left:20px;">'
        + "".join(f'<li style="margin:0 0 4px;">{item}</li>' for item in items)
        + "</ul>"
    )


def digest_subject(data: dict) -> str:
    """An e-mail subject that says the week and its two headline figures."""
    t = data["totals"]
    return f"Social media this week ({data['week']}): {t['posts']:,} posts by {t['people']:,} people"


def digest_email_html(data: dict) -> str:
    """The whole HTML document of the e-mail: the fragment on a light background, UTF-8 declared, nothing fetched."""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(digest_subject(data))}</title>\n</head>\n"
        '<body style="margin:0;padding:16px 0;background:#f4f4f4;">\n'
        f"{digest_html(data)}</body>\n</html>\n"
    )


def render_digest(data: dict, form: str) -> str:
    """The digest in one of FORMATS."""
    if form == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if form == "markdown":
        return digest_markdown(data)
    if form == "text":
        return digest_text(data)
    if form == "html":
        return digest_html(data)
    raise ValueError(f"{form!r} is not one of {', '.join(FORMATS)}")
