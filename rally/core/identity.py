"""Columns that identify the people who answered a Form: found by their title and by their values, never read.

A Form lets its owner title a column anything ("Email address", "What's your full name?",
"Nom et prénom"), so a short list of exact titles leaks. A title is identifying when it is
made only of words about who someone is (name, e-mail, phone, employee number… in the
languages below) and filler words ("your", "what's", "optional"): "Team name" and "Which
platform's name…" hold other words, so they stay questions. Values are the second net:
one e-mail-shaped answer, or mostly names from the Staff tab, and the column is out, whatever
its title.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence

import pandas as pd

from rally.core.parsing import name_key

IDENTIFIES_PEOPLE = "identifies people — never read or shown"

_E_WORD = re.compile(r"\be[\s\-\u2010\u2011]?(mail|post)", re.IGNORECASE)  # e-mail, E-Mail, e mail, e-post, e-posta
_WORD = re.compile(r"[^\W_]+")
_FOLD = str.maketrans({"ı": "i", "ł": "l", "ø": "o", "æ": "ae", "ß": "ss", "đ": "d"})


def _words(title: str) -> list[str]:
    """A title's words, case and accents folded: 'Nom et prénom' -> ['nom', 'et', 'prenom']."""
    folded = unicodedata.normalize("NFKD", _E_WORD.sub(r"e\1", str(title)).casefold().translate(_FOLD))
    return _WORD.findall("".join(c for c in folded if not unicodedata.combining(c)))


def _vocabulary(words: str) -> frozenset[str]:
    # Folded as titles are, so a word listed with its accents (or in Hangul, or with kana marks) still matches.
    return frozenset(w for word in words.split() for w in _words(word))


# Words that say what a column identifies someone by. A title needs at least one of them.
KIND_WORDS: dict[str, frozenset[str]] = {
    "e-mail": _vocabulary(
        "email emails mail mails courriel correo correio epost eposta emailadres emailadresse emailadresa "
        "почта メール メールアドレス 이메일 邮箱 电子邮件"
    ),
    "name": _vocabulary(
        "name names fullname firstname lastname surname surnames forename forenames nickname "
        "nom noms prenom prenoms nombre nombres apellido apellidos vorname vornamen nachname familienname "
        "nome cognome sobrenome naam voornaam achternaam namn fornamn efternamn navn fornavn efternavn "
        "imie nazwisko jmeno prijmeni isim ad adi adiniz soyad soyadi soyadiniz "
        "имя фамилия фио отчество 名前 お名前 氏名 이름 성명 姓名 名字"
    ),
    "phone": _vocabulary(
        "phone phones telephone tel telefon telefono telefone telefoon mobile mobil mobiel cell cellphone "
        "cellular celular cellulare movil handy portable whatsapp телефон 電話 電話番号 전화번호 연락처 电话 手机"
    ),
    "employee ID": _vocabulary(
        "employee employees staff personnel payroll badge matricule matricula mitarbeiter personalnummer personalnr "
        "dipendente empleado funcionario medewerker personeelsnummer username usernames user login respondent "
        "participant account"
    ),
    "address": _vocabulary(
        "address adresse anschrift direccion indirizzo endereco adres adress adresa адрес 住所 주소"
    ),
    "profile": _vocabulary("profile profil perfil profilo handle"),
    # A Forms quiz's total: a person's own result, kept out as Rally always has.
    "quiz score": _vocabulary("score"),
}
# Words that may stand beside a kind word in an identifying title: "full" name, e-mail "address", "work" phone.
# Not "company", "team" or "business": "Company name" and "Team name" are questions, not people.
WITH_WORDS = _vocabulary(
    "full first last given family middle legal preferred display complete completo completa complet vor "
    "vollstandiger vollstandig ganzer address adresse adres adress adresa indirizzo endereco direccion "
    "number numbers numero nummer no nr num id ids identifier identification code electronico electronica "
    "electronique eletronico elettronica elektronische work home private personal contact member members "
    "adresi adresiniz numarasi numaraniz "
    "linkedin twitter x instagram facebook github url link ip"
)
# Words that say nothing about what the column holds.
FILLER_WORDS = _vocabulary(
    "your you yours what whats s is are the a an of please enter type give us here optional required "
    "and or et und y e en og och i ve o ou oder "
    "de du des la le les el los las del da do dos das di van der het "
    "votre vos ton ta tes tu su sus tuo tua il lo seu sua uw je jouw dein deine ihr ihre ihren "
    "quel quelle quels est cual cuales es como qual wie ist lautet wat hoe heet "
    "facultatif optionnel opcional obligatorio freiwillig facoltativo opzionale optioneel "
    "ваше ваш ваша ваши あなたの"
)


def _kind_of_word(word: str) -> str | None:
    for kind, words in KIND_WORDS.items():
        if word in words:
            return kind
    # German and Dutch write compounds as one word: Telefonnummer, Mitarbeiternummer, E-Mail-Adresse as Mailadresse.
    for kind, words in KIND_WORDS.items():
        for head in words:
            rest = word[len(head) :]
            if len(head) >= 3 and word.startswith(head) and (rest in WITH_WORDS or _kind_of_word_exact(rest)):
                return kind
    return None


def _kind_of_word_exact(word: str) -> bool:
    return any(word in words for words in KIND_WORDS.values())


def identifying_title(title: str) -> str | None:
    """What a column's title says it identifies people by ('e-mail', 'name', 'phone'…), or None for a question."""
    words = [w for w in _words(title) if w not in FILLER_WORDS]
    kinds = [_kind_of_word(w) for w in words]
    if not words or not any(kinds):
        return None
    if any(kind is None and word not in WITH_WORDS for word, kind in zip(words, kinds)):
        return None
    return next(kind for kind in KIND_WORDS if kind in kinds)  # "Endereço de e-mail" is an e-mail, not an address


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]{2,}")


def identifying_values(values: Iterable | pd.Series, staff_names: Iterable[str] = ()) -> str | None:
    """What a column's values identify people by: 'e-mail' for any e-mail-shaped value, 'Staff names' when most
    non-blank values are names on the Staff tab; None otherwise. Each distinct value is looked at once."""
    distinct = pd.Series(values, dtype="object").dropna().astype("str").str.strip()
    counts = distinct[distinct != ""].value_counts(sort=False)
    if counts.empty:
        return None
    if any(_EMAIL.fullmatch(value) for value in counts.index):
        return "e-mail"
    staff = {key for key in map(name_key, staff_names) if key}
    on_staff = sum(count for value, count in counts.items() if name_key(value) in staff)
    return "Staff names" if staff and on_staff * 2 > counts.sum() else None


def identifying_columns(
    header: Sequence[str],
    columns: Mapping[int, Iterable] | Sequence[Iterable] = (),
    staff_names: Iterable[str] = (),
) -> dict[int, str]:
    """Column index -> IDENTIFIES_PEOPLE for every column whose title or values identify the people who answered.

    `columns` holds each column's values, by index (a dict of Series, or a list of value lists); a
    column without values is judged by its title alone. Such columns are never read or shown.
    """
    by_index = dict(columns) if isinstance(columns, Mapping) else dict(enumerate(columns))
    staff = list(staff_names)
    found = {}
    for index in sorted(set(range(len(header))) | set(by_index)):
        title = header[index] if index < len(header) else ""
        if identifying_title(title or "") or identifying_values(by_index.get(index, ()), staff):
            found[index] = IDENTIFIES_PEOPLE
    return found
