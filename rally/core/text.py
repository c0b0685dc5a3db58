"""Showing untrusted Sheet text safely: as text, cut to length, with only http(s) links clickable."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

import pandas as pd

from rally.core.parsing import is_web_link

# "&" too: "&lt;b&gt;" would otherwise be shown as "<b>", not as typed.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~>$:&])")
# The longest name a form keeps (a person's name is a few words); every form and the server cut there.
NAME_MAX = 80


def md_escape(text: str) -> str:
    """Text that Markdown shows literally: no Markdown link, emphasis, heading or HTML can come from it.

    One thing stays: Streamlit's Markdown makes a bare web address ("see https://…") clickable
    after escaping. That is only ever http(s) or mailto, which the house rule allows; the
    hostile-data browser suite checks that nothing else becomes a link.
    """
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


# Markdown read by people as plain text too (the digest pasted into chat, a wiki, an e-mail): a backslash goes only
# where the next character would otherwise start markup, so "Welcome!" stays "Welcome!" and "AT&T" stays "AT&T".
_LITERAL_ALWAYS = re.compile(r"([`*\[\]])")
_LITERAL_BACKSLASH = re.compile(r"\\(?=[!-/:-@\[-`{-~])")  # a backslash only escapes ASCII punctuation
_LITERAL_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")  # snake_case can't be emphasis
_LITERAL_TAG = re.compile(r"<(?=[A-Za-z/!?])")  # an HTML tag, comment or <https://…> autolink
_LITERAL_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")  # "&lt;" would show as "<"
_LITERAL_BLOCK_START = re.compile(r"^(#|>|[-+=](?=\s|$)|\d+(?=[.)]))")  # a heading, quote, list or setext line


def md_literal(text: str, table_cell: bool = False) -> str:
    """Markdown that shows `text` as typed, with a backslash only where a character would start markup.

    For Markdown people also read unrendered: no link, emphasis, code, HTML or entity can come from
    `text`, yet ordinary punctuation ("Welcome!", "3-2", "AT&T") carries no visible escape. A `|` is
    escaped only in a table cell. `tests/test_safety_rules.py` renders hostile text with a CommonMark
    parser to prove it arrives as text.
    """
    text = " ".join(str(text).split())
    text = _LITERAL_BACKSLASH.sub(r"\\\\", text)
    text = _LITERAL_ALWAYS.sub(r"\\\1", text)
    text = _LITERAL_UNDERSCORE.sub(r"\\_", text)
    text = _LITERAL_TAG.sub(r"\\<", text)
    text = _LITERAL_ENTITY.sub(r"\\&", text)
    for pair in ("~", "$"):  # strikethrough and maths need two of them
        if text.count(pair) > 1:
            text = text.replace(pair, "\\" + pair)
    if table_cell:
        text = text.replace("|", "\\|")
    match = _LITERAL_BLOCK_START.match(text)
    if match:
        end = match.end()
        text = "\\" + text if not match.group(1)[0].isdigit() else text[:end] + "\\" + text[end:]
    return text


def truncate(text: str, limit: int = 200) -> str:
    """Long cells cut for display, with an ellipsis so nobody mistakes it for the whole text."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def md_text(text: str, limit: int = 300) -> str:
    """Untrusted free text for Markdown: cut to `limit` characters for display, then escaped."""
    return md_escape(truncate(text, limit))


def safe_link(url: str) -> str | None:
    """The URL when it may become a link (http or https only), else None."""
    return url.strip() if url and is_web_link(url) else None


def md_link(label: str, url: str) -> str:
    """A Markdown link when the URL is http(s); otherwise the label alone, escaped."""
    link = safe_link(url)
    if not link:
        return md_escape(label)
    # Parentheses and spaces would end the Markdown URL early: percent-encode them.
    encoded = link.replace(" ", "%20").replace("(", "%28").replace(")", "%29").replace("<", "%3C").replace(">", "%3E")
    return f"[{md_escape(label)}]({encoded})"


def csv_safe(value: object) -> object:
    """A cell a spreadsheet program will not run as a formula: '=…', '+…', '-…', '@…' get a leading quote."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def format_figure(value: float | None) -> str:
    """1234.0 -> '1,234'; 12.25 -> '12.3' (one decimal only when the figure has a fraction); None -> '—'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if float(value).is_integer() or abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:,.1f}"


def format_signed(value: float | None) -> str:
    """A change the way figures read: '+1,234', '-12.5', '0' (an ASCII '-': st.metric colours a delta by it)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    sign = "+" if value > 0 else "-" if value < 0 else ""
    return sign + format_figure(abs(value))


def post_title(summary: str, platform: str) -> str:
    """The summary as a title beside its platform: "Blog: Behind the scenes" on a Blog post reads "Behind the scenes"."""
    text = " ".join(str(summary).split())
    head, colon, rest = text.partition(":")
    if colon and rest.strip() and head.strip().casefold() == str(platform).strip().casefold():
        return rest.strip()
    return text


def figures_shown(
    frame: pd.DataFrame,
    columns: Iterable[str],
    percent: Iterable[str] = (),
    signed: Iterable[str] = (),
    missing: str = "—",
) -> pd.DataFrame:
    """A table with its figures written as every page writes them ('1,234', '12.3', '+31', '23%'), for display.

    A missing figure is `missing` (a dash, or blank where no figure belongs), never the grid's "None".
    """
    shown = frame.copy()
    percent, signed = set(percent), set(signed)
    for column in dict.fromkeys([*columns, *percent, *signed]):
        shown[column] = [
            missing
            if value is None or pd.isna(value)
            else f"{format_signed(value) if column in signed else format_figure(value)}%"
            if column in percent
            else format_signed(value)
            if column in signed
            else format_figure(value)
            for value in frame[column]
        ]
    return shown
