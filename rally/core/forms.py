"""Google Forms' responses tabs: found by the names Google gives them or by Timestamp in A1; grid questions grouped.

A Form linked to a Sheet writes its answers to a tab Google names in the Form owner's language
("Form Responses 1", "Formularantworten 1", "Ответы на форму (1)") with the time of each answer in
A1 under a localized "Timestamp". A grid question ("multiple-choice grid", "tick box grid") becomes
one column per row, titled "Question [Row]".
"""

from __future__ import annotations

import re
import unicodedata

from rally.core.contract import normalise_key

# Google's name for a Form's responses tab, before its number, as seen in Sheets people have published.
FORM_RESPONSES_NAMES = (
    "Form Responses",  # English; newer Sheets write "Form responses 1"
    "Formularantworten",  # German
    "Réponses au formulaire",  # French
    "Respuestas de formulario",  # Spanish
    "Risposte del modulo",  # Italian
    "Respostas ao formulário",  # Portuguese
    "Formulierreacties",  # Dutch
    "Formulärsvar",  # Swedish
    "Formularsvar",  # Danish
    "Odpowiedzi formularza",  # Polish
    "Odpovědi formuláře",  # Czech
    "Form Yanıtları",  # Turkish
    "Ответы на форму",  # Russian: numbered in brackets, "Ответы на форму (1)"
    "フォームの回答",  # Japanese
    "설문지 응답 시트",  # Korean: no space before the number, "설문지 응답 시트1"
    "表单回复",  # Chinese
)
# Google's heading of column A in a responses tab, in the same languages where it was seen.
TIMESTAMP_NAMES = (
    "Timestamp",
    "Zeitstempel",
    "Horodateur",
    "Marca temporal",
    "Informazioni cronologiche",
    "Carimbo de data/hora",
    "Tijdstempel",
    "Tidstämpel",
    "Tidsstempel",
    "Sygnatura czasowa",
    "Časová značka",
    "Zaman damgası",
    "Отметка времени",
    "タイムスタンプ",
    "타임스탬프",
)


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split()).casefold()


_NUMBER = r"(?:\s*(?:\d+|\(\s*\d+\s*\)))?"
_RESPONSES_TITLE = re.compile(
    "^(?:" + "|".join(re.escape(_fold(name)) for name in FORM_RESPONSES_NAMES) + f"){_NUMBER}$"
    + r"|^第\s*\d+\s*张表单回复$"  # Chinese also writes "第 1 张表单回复": the number first
)  # fmt: skip
_TIMESTAMP_KEYS = frozenset(normalise_key(name) for name in TIMESTAMP_NAMES)


def is_form_responses_title(title: str) -> bool:
    """A tab title Google gives a Form's responses: 'Form Responses 1', 'Form responses 2', 'Formularantworten 1'…

    Case, spaces and the number (or its absence) don't matter; a longer title ("Form Responses 1 (old)",
    "Form Responses summary") is a tab someone made, not Google's.
    """
    return bool(_RESPONSES_TITLE.match(_fold(str(title))))


def is_form_tab(rows: list[list]) -> bool:
    """A tab whose A1 is a Form's Timestamp heading, in any language listed in TIMESTAMP_NAMES."""
    return (
        bool(rows) and bool(rows[0]) and normalise_key(rows[0][0] if rows[0][0] is not None else "") in _TIMESTAMP_KEYS
    )


def form_response_tabs(tabs: dict[str, list[list]]) -> list[str]:
    """The titles of every tab that holds a Form's responses (by Google's name or Timestamp in A1), in Sheet order."""
    return [title for title, rows in tabs.items() if is_form_responses_title(title) or is_form_tab(rows)]


# "Question [Row]": the last bracketed part is the row; a question may hold brackets of its own before it.
_GRID_TITLE = re.compile(r"^(.*\S)\s*\[\s*([^\[\]]*[^\[\]\s])\s*\]$", re.DOTALL)


def grid_question(title: str) -> tuple[str, str] | None:
    """'How confident are you on [LinkedIn]' -> ('How confident are you on', 'LinkedIn'); None when not that shape."""
    match = _GRID_TITLE.match(str(title).strip())
    return (match[1], match[2]) if match else None


def group_grid_columns(header: list[str]) -> dict[str, list[tuple[str, int]]]:
    """Grid questions of a responses header: question -> [(row label, column index)] in column order.

    A question counts as a grid only with two rows or more: a lone "Reach [approx.]" is a
    question whose title happens to end in brackets, and stays a question of its own.
    """
    grids: dict[str, list[tuple[str, int]]] = {}
    for index, title in enumerate(header):
        if (split := grid_question(title)) is not None:
            grids.setdefault(split[0], []).append((split[1], index))
    return {question: rows for question, rows in grids.items() if len(rows) >= 2}
