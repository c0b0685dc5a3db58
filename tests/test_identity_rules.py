"""Columns that identify who answered a Form, by title and by values: never read, whatever the Form calls them."""

from __future__ import annotations

import pandas as pd
import pytest

from rally.core.identity import IDENTIFIES_PEOPLE, identifying_columns, identifying_title, identifying_values

STAFF = {"Maya Patel", "Leo Martin", "Ines Silva", "Tom Becker"}


# fmt: off
@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("Email Address", "e-mail"),  # Google's own, when the Form collects addresses
        ("Email address", "e-mail"),
        ("Your e-mail", "e-mail"),
        ("E-mail", "e-mail"),
        ("e mail", "e-mail"),
        ("Work e-mail (optional)", "e-mail"),
        ("What's your e-mail address?", "e-mail"),
        ("E-Mail-Adresse", "e-mail"),  # German
        ("Mailadresse", "e-mail"),  # German compound
        ("E-mailadres", "e-mail"),  # Dutch
        ("Courriel", "e-mail"),  # French (Québec)
        ("Adresse e-mail", "e-mail"),
        ("Correo electrónico", "e-mail"),  # Spanish
        ("Endereço de e-mail", "e-mail"),  # Portuguese: an e-mail, not a postal address
        ("Indirizzo email", "e-mail"),  # Italian
        ("E-postadress", "e-mail"),  # Swedish
        ("E-posta Adresi", "e-mail"),  # Turkish
        ("Name", "name"),
        ("Name:", "name"),
        ("Full Name *", "name"),  # a required-question star
        ("Your name", "name"),
        ("Your name (optional)", "name"),
        ("First name", "name"),
        ("Last name", "name"),
        ("Surname", "name"),
        ("Preferred name", "name"),
        ("What's your full name?", "name"),
        ("What is your name?", "name"),
        ("Nom", "name"),  # French
        ("Nom et prénom", "name"),
        ("Prénom", "name"),
        ("Votre nom", "name"),
        ("Nombre", "name"),  # Spanish
        ("Nombre completo", "name"),
        ("Apellidos", "name"),
        ("Vorname", "name"),  # German
        ("Nachname", "name"),
        ("Vor- und Nachname", "name"),
        ("Ihr Name", "name"),
        ("Nome e cognome", "name"),  # Italian
        ("Nome completo", "name"),  # Portuguese
        ("Voornaam", "name"),  # Dutch
        ("Imię i nazwisko", "name"),  # Polish
        ("Adınız soyadınız", "name"),  # Turkish: a dotless ı
        ("Ваше имя", "name"),  # Russian
        ("お名前", "name"),  # Japanese
        ("이름", "name"),  # Korean
        ("Phone", "phone"),
        ("Phone number", "phone"),
        ("Mobile", "phone"),
        ("Telephone", "phone"),
        ("Téléphone", "phone"),
        ("Numéro de téléphone", "phone"),
        ("Telefon", "phone"),
        ("Telefonnummer", "phone"),  # German compound
        ("Handynummer", "phone"),
        ("WhatsApp number", "phone"),
        ("Employee ID", "employee ID"),
        ("Employee number", "employee ID"),
        ("Staff number", "employee ID"),
        ("Staff ID", "employee ID"),
        ("Personalnummer", "employee ID"),  # German
        ("Mitarbeiternummer", "employee ID"),
        ("Matricule", "employee ID"),  # French
        ("Username", "employee ID"),  # an account name points at one person
        ("User ID", "employee ID"),
        ("Respondent", "employee ID"),
        ("Respondent ID", "employee ID"),
        ("Home address", "address"),
        ("Your LinkedIn profile", "profile"),
        ("Score", "quiz score"),  # a Forms quiz's total: personal, kept out as before
        ("Team name", None),  # a team is not a person
        ("Company name", None),  # nor is a company
        ("Company name recognition", None),
        ("Which platform's name comes to mind first?", None),
        ("Name your favourite platform", None),  # "name" as a verb, among other words
        ("Name of the tool you use most", None),
        ("How useful is our email newsletter?", None),  # about e-mail, not an e-mail
        ("Emailing", None),
        ("Which mobile platform do you use most?", None),
        ("What score would you give us?", None),
        ("Personal", None),  # only German writes staff as Personal; alone it is an English word
        ("ID", None),  # Rally's own row IDs are not people
        ("LinkedIn", None),  # a grid row, or a question
        ("Timestamp", None),
        ("Who are you?", None),  # left to the values: names on the Staff tab are caught there
        ("E-mail (so we can reply)", None),  # other words: left to the values (an address is caught there)
        ("", None),
    ],
)
# fmt: on
def test_identifying_titles_are_made_only_of_words_about_who_someone_is(title, kind):
    """A title identifies people when every word is about who someone is (plus filler); a question has other words."""
    assert identifying_title(title) == kind


# fmt: off
@pytest.mark.parametrize(
    ("values", "kind"),
    [
        (["maya@example.com"], "e-mail"),
        (["4", "5", " leo.martin+rally@example.co.uk "], "e-mail"),  # one address is enough
        (["LinkedIn", "X", "maya@example"], None),  # no dot after the @: not an address
        (["write to me at maya@example.com"], None),  # inside a sentence: a free-text answer, see the module note
        (["Maya Patel", "Leo Martin", "Ines Silva"], "Staff names"),
        (["maya  patel", "LEO MARTIN", "Someone Else"], "Staff names"),  # matched as names are everywhere
        (["Maya Patel", "Leo Martin", "", "", "", "Other"], "Staff names"),  # blanks don't count
        (["Maya Patel", "LinkedIn", "X"], None),  # a third: most answers are not names
        (["Maya Patel", "Maya Patel", "X"], "Staff names"),  # counted per answer, not per distinct answer
        (["Maya", "Leo"], None),  # first names alone are not matched
        (["", "  "], None),
        ([], None),
        ([None, float("nan"), 4], None),  # a direct caller's cells
    ],
)
# fmt: on
def test_identifying_values_are_e_mails_or_mostly_staff_names(values, kind):
    """Any e-mail-shaped value, or mostly names on the Staff tab, and the column identifies people."""
    assert identifying_values(values, STAFF) == kind
    assert identifying_values(pd.Series(values, dtype="object"), STAFF) == kind


def test_without_a_staff_tab_names_are_not_recognised_by_value():
    """No Staff names, no match by name: the title rule still applies."""
    assert identifying_values(["Maya Patel"], ()) is None


def test_identifying_columns_takes_title_or_values_and_gives_the_reason():
    """Column index -> the reason, for titles and values alike; a column without values is judged by its title."""
    header = ["Timestamp", "Email address", "How confident are you?", "Who helped you most?", "Anything else?", "Nom"]
    columns = {
        1: pd.Series(["a@x.org"]),
        2: pd.Series(["4", "5"]),
        3: pd.Series(["Maya Patel", "Leo Martin"]),  # a real question, but its answers name colleagues
        4: pd.Series(["More training", "contact: tom.becker@example.com", "ines@example.com"]),
    }
    assert identifying_columns(header, columns, STAFF) == {1: IDENTIFIES_PEOPLE, 3: IDENTIFIES_PEOPLE, 4: IDENTIFIES_PEOPLE, 5: IDENTIFIES_PEOPLE}  # fmt: skip
    assert IDENTIFIES_PEOPLE == "identifies people — never read or shown"


def test_identifying_columns_takes_lists_of_values_and_columns_past_the_header():
    """Values may come as a list per column; a column past the header's end is judged by its values."""
    header = ["Timestamp", "Question"]
    assert identifying_columns(header, [["2026-11-16"], ["4"], ["maya@example.com"]], STAFF) == {2: IDENTIFIES_PEOPLE}
    assert identifying_columns(["Name", "Q"]) == {0: IDENTIFIES_PEOPLE}
