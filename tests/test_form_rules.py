"""A Google Form's responses tab, found however Google named it, and its grid questions read as one question."""

from __future__ import annotations

import pytest

from rally.core.contract import Column, TabSpec, find_tab
from rally.core.forms import (
    FORM_RESPONSES_NAMES,
    TIMESTAMP_NAMES,
    form_response_tabs,
    grid_question,
    group_grid_columns,
    is_form_responses_title,
    is_form_tab,
)


# fmt: off
@pytest.mark.parametrize(
    ("title", "is_responses"),
    [
        ("Form Responses 1", True),
        ("Form responses 2", True),  # newer Sheets write it in sentence case
        ("FORM RESPONSES 12", True),
        ("  Form  Responses 1 ", True),
        ("Form Responses", True),  # a tab whose number was deleted is still Google's
        ("Formularantworten 1", True),  # German
        ("Réponses au formulaire 1", True),  # French
        ("Respuestas de formulario 1", True),  # Spanish
        ("Risposte del modulo 1", True),  # Italian
        ("Respostas ao formulário 1", True),  # Portuguese
        ("Formulierreacties 1", True),  # Dutch
        ("Formulärsvar 1", True),  # Swedish
        ("Formularsvar 1", True),  # Danish
        ("Odpowiedzi formularza 1", True),  # Polish
        ("Odpovědi formuláře 1", True),  # Czech
        ("Form Yanıtları 1", True),  # Turkish
        ("Ответы на форму (1)", True),  # Russian numbers it in brackets
        ("フォームの回答 1", True),  # Japanese
        ("설문지 응답 시트1", True),  # Korean: no space before the number
        ("表单回复 1", True),  # Chinese
        ("第 1 张表单回复", True),  # Chinese, number first
        ("Réponses au formulaire 1", True),  # é typed as e + accent (NFD) is the same letter
        ("Form Responses 1 (old)", False),  # a copy someone made and renamed
        ("Form Responses summary", False),
        ("Old Form Responses 1", False),
        ("Responses", False),
        ("Survey", False),
        ("Posts", False),
        ("", False),
    ],
)
# fmt: on
def test_form_responses_tabs_are_found_by_googles_own_names(title, is_responses):
    """Google's responses tab names, in every language listed, match whatever the case, spacing or number."""
    assert is_form_responses_title(title) is is_responses


# fmt: off
@pytest.mark.parametrize(
    ("rows", "is_form"),
    [
        ([["Timestamp", "How confident are you?"]], True),
        ([["timestamp "]], True),
        ([["Zeitstempel", "Frage"]], True),  # German
        ([["Horodateur"]], True),  # French
        ([["Marca temporal"]], True),  # Spanish
        ([["Informazioni cronologiche"]], True),  # Italian
        ([["Carimbo de data/hora"]], True),  # Portuguese: the slash is punctuation, ignored like any other
        ([["Tijdstempel"]], True),  # Dutch
        ([["Tidstämpel"]], True),  # Swedish
        ([["Tidsstempel"]], True),  # Danish
        ([["Sygnatura czasowa"]], True),  # Polish
        ([["Časová značka"]], True),  # Czech
        ([["Zaman damgası"]], True),  # Turkish
        ([["Отметка времени"]], True),  # Russian
        ([["タイムスタンプ"]], True),  # Japanese
        ([["타임스탬프"]], True),  # Korean
        ([["Date", "Timestamp"]], False),  # only A1 counts
        ([[], ["Timestamp"]], False),  # and only row 1: Google writes its header there
        ([["Time"]], False),
        ([[None]], False),
        ([[]], False),
        ([], False),
    ],
)
# fmt: on
def test_a_form_tab_is_found_by_timestamp_in_a1(rows, is_form):
    """Google's Timestamp heading in A1, in any language listed, marks a Form's responses."""
    assert is_form_tab(rows) is is_form


def test_every_listed_name_is_recognised():
    """Each name in the lists is matched as it is written (guards a typo in a regex-escaped list)."""
    assert all(is_form_responses_title(f"{name} 1") for name in FORM_RESPONSES_NAMES)
    assert all(is_form_tab([[name]]) for name in TIMESTAMP_NAMES)


def test_form_response_tabs_lists_them_in_sheet_order_and_find_tab_takes_the_first():
    """A renamed responses tab is found by its Timestamp; find_tab prefers the contract's own tab name."""
    tabs = {
        "Posts": [["Date", "Name", "Platform"]],
        "Form responses 2": [["Timestamp", "Q"]],
        "Answers from the Form": [["Horodateur", "Q"]],
        "Form Responses 1": [],
    }
    assert form_response_tabs(tabs) == ["Form responses 2", "Answers from the Form", "Form Responses 1"]
    answers = TabSpec("Answers", (Column("Question"),))
    assert find_tab(tabs, answers, also=is_form_responses_title) == "Form responses 2"
    assert find_tab({"Answers": [], **tabs}, answers, also=is_form_responses_title) == "Answers"


# fmt: off
@pytest.mark.parametrize(
    ("title", "split"),
    [
        ("How confident are you on [LinkedIn]", ("How confident are you on", "LinkedIn")),
        ("How confident are you on [ LinkedIn ]", ("How confident are you on", "LinkedIn")),
        ("How confident are you on[X]", ("How confident are you on", "X")),
        ("Rate [our] tools [Canva]", ("Rate [our] tools", "Canva")),  # only the last brackets are the row
        ("Rate these [Posting about work [beta]]", None),  # nested brackets: not Google's shape
        ("How confident are you on LinkedIn", None),
        ("[LinkedIn]", None),  # no question before the row
        ("How confident []", None),  # no row
        ("How confident [LinkedIn] today", None),  # the brackets must close the title
        ("", None),
    ],
)
# fmt: on
def test_grid_titles_split_into_question_and_row(title, split):
    """Google exports a grid question as one column per row, titled 'Question [Row]'."""
    assert grid_question(title) == split


def test_grid_columns_group_by_question_with_their_column_indices():
    """Columns of one grid become one question with its rows; a lone bracketed title stays a question."""
    header = [
        "Timestamp",
        "How confident are you on [LinkedIn]",
        "How confident are you on [X]",
        "Anything else?",
        "How confident are you on [Instagram]",  # a row after another column still belongs to its grid
        "Reach last month [approx.]",  # one row only: a title that ends in brackets, not a grid
        "Which topics? [Product]",
        "Which topics? [Hiring]",
    ]
    assert group_grid_columns(header) == {
        "How confident are you on": [("LinkedIn", 1), ("X", 2), ("Instagram", 4)],
        "Which topics?": [("Product", 6), ("Hiring", 7)],
    }
    assert group_grid_columns([]) == {}
