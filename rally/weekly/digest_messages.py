"""The weekly digest as messages for the places it is sent: an e-mail (subject, text and HTML parts), Slack and Teams.

Pure: dicts and strings in, dicts and strings out; `data_sources/delivery.py` sends them.
Sheet text never lands where a chat tool reads markup: Slack gets it as `plain_text` or
rich-text elements (never mrkdwn), Teams as `TextRun`s (which Adaptive Cards never parse
as Markdown), and only http(s) addresses become links.
"""

from __future__ import annotations

from dataclasses import dataclass

from rally.core.text import safe_link, truncate
from rally.weekly.digest import digest_email_html, digest_subject, digest_text

# Teams Workflows ("post to a channel when a webhook request is received") refuse cards above 1.4.
ADAPTIVE_CARD_VERSION = "1.4"
ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
SLACK_HEADER_MAX = 150  # Slack's limit for a header block's text
ITEM_MAX = 300  # one highlight, award or do-better item in a chat message
LEADERBOARD_IN_CHAT = 10


@dataclass(frozen=True)
class Email:
    subject: str
    text: str
    html: str


def digest_email(data: dict) -> Email:
    """The e-mail's subject, plain-text part and HTML document (the same figures in each)."""
    return Email(digest_subject(data), digest_text(data), digest_email_html(data))


def _slack_escape(text: str) -> str:
    """The three characters Slack's mrkdwn needs escaped (for the notification text, which Slack reads as mrkdwn)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _figures(data: dict) -> list[tuple[str, str]]:
    t = data["totals"]
    return [
        ("Posts", f"{t['posts']:,}"),
        ("People posting", f"{t['people']:,}"),
        ("Reach", f"{t['reach']:,}"),
        ("Engagements", f"{t['engagements']:,}"),
    ]


def _leaderboard_lines(data: dict) -> list[str]:
    rows = [["Rank", "Name", "Team", "Points", "Posts", "Reach"]] + [
        [str(r["rank"]), truncate(r["name"], 40), truncate(r["team"], 24)]
        + [f"{r[k]:,}" for k in ("points", "posts", "reach")]
        for r in data["leaderboard"][:LEADERBOARD_IN_CHAT]
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(6)]
    return [
        "  ".join(c.rjust(w) if i in (0, 3, 4, 5) else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths))).rstrip()
        for row in rows
    ]


# -- Slack ------------------------------------------------------------------------------------
def _slack_heading(text: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": f"*{text}*"}}  # our own words only


def _slack_list(items: list[list[dict]]) -> dict:
    return {
        "type": "rich_text",
        "elements": [
            {
                "type": "rich_text_list",
                "style": "bullet",
                "elements": [{"type": "rich_text_section", "elements": item} for item in items],
            }
        ],
    }


def _slack_text(text: str, bold: bool = False) -> dict:
    element = {"type": "text", "text": truncate(text, ITEM_MAX)}
    return {**element, "style": {"bold": True}} if bold else element


def slack_message(data: dict) -> dict:
    """A Slack incoming-webhook message in Block Kit, with the subject as the notification text."""
    blocks: list[dict] = [
        {
            "type": "header",
            "text": {"type": "plain_text", "text": f"Social media this week: {data['week']}"[:SLACK_HEADER_MAX]},
        },
        {
            "type": "section",
            "fields": [{"type": "mrkdwn", "text": f"*{label}*\n{value}"} for label, value in _figures(data)],
        },
    ]
    context = f"{data['start']} to {data['end']}"
    if data["platforms"]:
        context += " · Platforms: " + ", ".join(f"{name} {count}" for name, count in data["platforms"].items())
    blocks.append({"type": "context", "elements": [{"type": "plain_text", "text": truncate(context, 2000)}]})
    if data["hero"]:
        blocks += [
            _slack_heading("Hero of the week"),
            {
                "type": "rich_text",
                "elements": [
                    {
                        "type": "rich_text_section",
                        "elements": [
                            _slack_text(data["hero"]["name"] or "Our hero", bold=True),
                            _slack_text(" — " + data["hero"]["reason"]),
                        ],
                    }
                ],
            },
        ]
    if data["highlights"]:
        items = []
        for h in data["highlights"]:
            link = safe_link(h["link"] or "")
            text = truncate(h["text"], ITEM_MAX)
            items.append([{"type": "link", "url": link, "text": text} if link else _slack_text(text)])
        blocks += [_slack_heading("Highlights"), _slack_list(items)]
    if data["awards"]:
        blocks += [
            _slack_heading("Winners"),
            _slack_list(
                [
                    [_slack_text(a["category"], bold=True), _slack_text(f": {a['name']} — {a['why']}")]
                    for a in data["awards"]
                ]
            ),
        ]
    if data["leaderboard"]:
        blocks += [
            _slack_heading("Leaderboard"),
            {
                "type": "rich_text",
                "elements": [
                    {
                        "type": "rich_text_preformatted",
                        "elements": [{"type": "text", "text": "\n".join(_leaderboard_lines(data))}],
                    }
                ],
            },
        ]
    if data["improve"]:
        blocks += [_slack_heading("What we'll do better"), _slack_list([[_slack_text(t)] for t in data["improve"]])]
    if data["data_issues"]:
        blocks.append(
            {
                "type": "context",
                "elements": [
                    {
                        "type": "plain_text",
                        "text": f"{len(data['data_issues'])} row(s) in the Sheet need a look: see Data health in Rally.",
                    }
                ],
            }
        )
    return {"text": _slack_escape(digest_subject(data)), "blocks": blocks}


# -- Microsoft Teams ----------------------------------------------------------------------------
def _run(text: str, **style: object) -> dict:
    return {"type": "TextRun", "text": truncate(text, ITEM_MAX), **style}


def _rich(*inlines: dict, **extra: object) -> dict:
    return {"type": "RichTextBlock", "inlines": list(inlines), **extra}


def _teams_heading(text: str) -> dict:
    return {"type": "TextBlock", "text": text, "weight": "Bolder", "size": "Medium", "spacing": "Medium", "wrap": True}


def teams_message(data: dict) -> dict:
    """A Teams message for an incoming webhook or a Workflows webhook: one Adaptive Card (1.4) as an attachment."""
    body: list[dict] = [
        {
            "type": "TextBlock",
            "text": f"Social media this week: {data['week']}",
            "size": "Large",
            "weight": "Bolder",
            "wrap": True,
        },
        {"type": "TextBlock", "text": f"{data['start']} to {data['end']}", "isSubtle": True, "spacing": "None"},
        {"type": "FactSet", "facts": [{"title": label, "value": value} for label, value in _figures(data)]},
    ]
    if data["platforms"]:
        body.append(
            _rich(_run("Platforms: " + ", ".join(f"{name} {count}" for name, count in data["platforms"].items())))
        )
    if data["hero"]:
        body += [
            _teams_heading("Hero of the week"),
            _rich(_run(data["hero"]["name"] or "Our hero", weight="Bolder"), _run(" — " + data["hero"]["reason"])),
        ]
    if data["highlights"]:
        body.append(_teams_heading("Highlights"))
        for h in data["highlights"]:
            link = safe_link(h["link"] or "")
            text = (
                _run(h["text"], color="Accent", selectAction={"type": "Action.OpenUrl", "url": link})
                if link
                else _run(h["text"])
            )
            body.append(_rich(_run("• "), text, spacing="Small"))
    if data["awards"]:
        body.append(_teams_heading("Winners"))
        body += [
            _rich(
                _run("• "), _run(a["category"], weight="Bolder"), _run(f": {a['name']} — {a['why']}"), spacing="Small"
            )
            for a in data["awards"]
        ]
    if data["leaderboard"]:
        body.append(_teams_heading("Leaderboard"))
        columns = [
            ("Rank", "rank", "auto"),
            ("Name", "name", "stretch"),
            ("Points", "points", "auto"),
            ("Reach", "reach", "auto"),
        ]
        for index, row in enumerate([None, *data["leaderboard"][:LEADERBOARD_IN_CHAT]]):
            cells = []
            for label, key, width in columns:
                if row is None:
                    value = _run(label, weight="Bolder")
                else:
                    value = _run(row[key] if key == "name" else f"{row[key]:,}")
                align = "Left" if key == "name" else "Right"
                cells.append({"type": "Column", "width": width, "items": [_rich(value, horizontalAlignment=align)]})
            body.append({"type": "ColumnSet", "columns": cells, "spacing": "Small" if index else "Medium"})
    if data["improve"]:
        body.append(_teams_heading("What we'll do better"))
        body += [_rich(_run("• "), _run(text), spacing="Small") for text in data["improve"]]
    if data["data_issues"]:
        body.append(
            {
                "type": "TextBlock",
                "text": f"{len(data['data_issues'])} row(s) in the Sheet need a look: see Data health in Rally.",
                "isSubtle": True,
                "wrap": True,
                "spacing": "Medium",
            }
        )
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": ADAPTIVE_CARD_VERSION,
        "msteams": {"width": "Full"},
        "body": body,
    }
    return {"type": "message", "attachments": [{"contentType": ADAPTIVE_CARD, "contentUrl": None, "content": card}]}
