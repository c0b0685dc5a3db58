"""Cells as Google Sheets keeps them: what USER_ENTERED makes of typed text under a Sheet's locale, and how each
valueRenderOption / dateTimeRenderOption renders a stored cell.

Where the rules come from:
- gspread's recorded exchanges with the real API (tests/cassettes in burnash/gspread, e.g.
  WorksheetTest.test_get_all_values_date_time_render_options): under en_US, "2020-01-01" and "1999-01-02" written
  USER_ENTERED come back as 43831 and 36162 with UNFORMATTED_VALUE + SERIAL_NUMBER, as "2020-01-01" with
  FORMATTED_STRING or FORMATTED_VALUE (the display keeps the shape that was typed); "=4/2" is 2 unformatted,
  "2" formatted and "=4/2" with FORMULA; 0.12 and 53 stay numbers; FORMULA renders dates as serials.
- Google's API reference: a serial number counts days since 1899-12-30, the time of day as the fraction;
  dateTimeRenderOption is ignored under FORMATTED_VALUE; a leading apostrophe keeps typed text as text.

Where it is a model, not a recording (kept deliberately small; see the fidelity notes in sheets_emulator.py):
- Four locales: en_US (month first), en_GB (day first), de_DE (day first, "." dates, decimal comma, WAHR/FALSCH),
  fr_FR (day first, decimal comma, digits grouped by spaces, VRAI/FAUX); TRUE/FALSE are read in every locale. Any other locale is refused rather than guessed. A formatted boolean
  shows TRUE/FALSE whatever the locale.
- Formulas: arithmetic on numbers (+ - * / ^, brackets), a quoted string, HYPERLINK(url; label) and SUM of numbers.
  Anything else evaluates to "#NAME?", the error value Google gives an unknown function.
"""

from __future__ import annotations

import ast
import math
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

SHEETS_EPOCH = datetime(1899, 12, 30)

# What a cell can be: the plain JSON scalars RAW stores (text, number, boolean), or a Typed cell.
PLAIN = frozenset({str, int, float, bool})


@dataclass(frozen=True, slots=True)
class Typed:
    """A cell with a number format or a formula: what USER_ENTERED makes of a date, a percentage, "=1+1"…

    `value` is what UNFORMATTED_VALUE answers (a formula's result, a date's serial number); `kind` is its
    format ("date", "datetime", "time", "percent", "currency", "grouped" or "" for General) and `shape`
    how a date was typed ("iso", "iso_month", "numeric", "month_name"), which its formatted display keeps.
    """

    value: Any
    kind: str = ""
    shape: str = ""
    formula: str | None = None

    @property
    def is_date_time(self) -> bool:
        return self.kind in ("date", "datetime", "time")


@dataclass(frozen=True)
class Locale:
    code: str
    decimal: str
    group: str  # the marks that may group digits; the first is how the locale writes them
    day_first: bool
    date_separators: str  # what may separate day, month and year in a typed numeric date
    true_word: str
    false_word: str
    months: tuple[str, ...]  # full names, January first
    short_months: tuple[str, ...]
    currency: str
    currency_after: bool  # "5,00 €" rather than "$5.00"
    twelve_hour: bool  # times shown "10:30:00 AM"

    def short_date(self, day: date) -> str:
        """The locale's default display of a date typed as numbers: 11/16/2026, 16/11/2026, 16.11.2026."""
        if self.code == "en_US":
            return f"{day.month}/{day.day}/{day.year}"
        separator = "." if "." in self.date_separators else "/"
        return f"{day.day:02d}{separator}{day.month:02d}{separator}{day.year}"

    def time(self, moment: datetime) -> str:
        if self.twelve_hour:
            hour = moment.hour % 12 or 12
            return f"{hour}:{moment.minute:02d}:{moment.second:02d} {'AM' if moment.hour < 12 else 'PM'}"
        return f"{moment.hour}:{moment.minute:02d}:{moment.second:02d}"

    def number(self, value: float | int) -> str:
        """A number as the General format shows it: no grouping, the locale's decimal mark."""
        text = general_number(value)
        return text.replace(".", self.decimal) if self.decimal != "." else text


_EN_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_FR_MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
_DE_MONTHS = (
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
)

LOCALES = {
    "en_US": Locale("en_US", ".", ",", False, "/-", "TRUE", "FALSE", _EN_MONTHS, tuple(m[:3] for m in _EN_MONTHS), "$", False, True),
    "en_GB": Locale("en_GB", ".", ",", True, "/-", "TRUE", "FALSE", _EN_MONTHS, tuple(m[:3] for m in _EN_MONTHS), "£", False, False),
    "de_DE": Locale("de_DE", ",", ".", True, "./-", "WAHR", "FALSCH", _DE_MONTHS, ("Jan", "Feb", "Mär", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dez"), "€", True, False),
    # French groups digits with a narrow no-break space (a no-break or plain space typed is read the same).
    "fr_FR": Locale("fr_FR", ",", "\u202f\u00a0 ", True, "/-", "VRAI", "FAUX", _FR_MONTHS, ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."), "€", True, False),
}  # fmt: skip


def locale(code: str) -> Locale:
    """The locale's rules, or a ValueError naming the ones the emulator knows."""
    try:
        return LOCALES[code]
    except KeyError:
        raise ValueError(f"The Sheets emulator knows the locales {', '.join(LOCALES)}, not {code!r}.") from None


# ---------------------------------------------------------------- numbers and serials


def general_number(value: float | int) -> str:
    """A number in Google's General format with "." as the decimal mark: 3 -> "3", 0.1 + 0.2 -> "0.3"."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = f"{value:.15g}"
    return text.replace("e+", "E+").replace("e-", "E-")


def json_number(value: float) -> int | float:
    """A number as Google writes it in JSON: integral values without a ".0" (43831, not 43831.0)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def serial(moment: datetime) -> int | float:
    """Days since 1899-12-30, the time of day as the fraction (Google's SERIAL_NUMBER)."""
    delta = moment - SHEETS_EPOCH
    return json_number(delta.days + delta.seconds / 86400)


def from_serial(value: float) -> datetime:
    return SHEETS_EPOCH + timedelta(days=value)


# ---------------------------------------------------------------- USER_ENTERED


def user_entered(cell: Any, code: str) -> Any:
    """What a Sheet with locale `code` stores when `cell` is written with valueInputOption=USER_ENTERED.

    JSON numbers and booleans are stored as sent (like RAW); only text is parsed, as if typed into the cell.
    """
    if not isinstance(cell, str):
        return normalise(cell)
    rules = locale(code)
    if cell == "":
        return ""
    if cell.startswith("'"):
        return cell[1:]  # the quote prefix: "keep this as text", and it is not part of the value
    if cell.startswith("=") and len(cell) > 1:
        return Typed(evaluate(cell[1:]), formula=cell)
    text = cell.strip()
    if text.upper() == rules.true_word or text.upper() == "TRUE":
        return True
    if text.upper() == rules.false_word or text.upper() == "FALSE":
        return False
    number = parse_number(text, rules)
    if number is not None:
        return number
    moment = parse_date_time(text, rules)
    if moment is not None:
        return moment
    return cell


def normalise(cell: Any) -> Any:
    """A RAW JSON value as Google keeps it: integral floats are integers (3400.0 is answered 3400)."""
    if isinstance(cell, float) and not isinstance(cell, bool):
        return json_number(cell)
    return cell


def _number_pattern(rules: Locale) -> re.Pattern[str]:
    group, decimal = f"[{re.escape(rules.group)}]", re.escape(rules.decimal)
    currency = re.escape(rules.currency)
    digits = rf"(?:\d{{1,3}}(?:{group}\d{{3}})+|\d+)(?:{decimal}\d+)?|{decimal}\d+"
    before = "" if rules.currency_after else rf"(?P<cur_before>{currency})?"
    after = rf"(?:\s?(?P<cur_after>{currency}))?" if rules.currency_after else ""
    return re.compile(rf"^(?P<sign>[+-])?{before}(?P<digits>{digits})(?P<exp>[eE][+-]?\d+)?{after}(?P<percent>\s?%)?$")


_NUMBER_PATTERNS = {code: _number_pattern(rules) for code, rules in LOCALES.items()}


def parse_number(text: str, rules: Locale) -> Any | None:
    match = _NUMBER_PATTERNS[rules.code].match(text)
    if match is None:
        return None
    digits = match["digits"]
    grouped = any(mark in digits for mark in rules.group)
    plain = "".join(c for c in digits if c not in rules.group).replace(rules.decimal, ".")
    value = float(plain + (match["exp"] or ""))
    if match["sign"] == "-":
        value = -value
    if match["percent"]:
        return Typed(json_number(round(value / 100, 15)), "percent")
    if match.groupdict().get("cur_before") or match.groupdict().get("cur_after"):
        return Typed(json_number(value), "currency")
    if grouped:
        return Typed(json_number(value), "grouped")
    return json_number(value)


_TIME = r"(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?(?:\s*(?P<ampm>[AaPp][Mm]))?"
_ISO = re.compile(rf"^(?P<year>\d{{4}})(?P<sep>[-/])(?P<month>\d{{1,2}})(?P=sep)(?P<day>\d{{1,2}})(?:\s+{_TIME})?$")
_ISO_MONTH = re.compile(r"^(?P<year>\d{4})-(?P<month>\d{1,2})$")
_TIME_ONLY = re.compile(rf"^{_TIME}$")


def _numeric_date(rules: Locale) -> re.Pattern[str]:
    separators = re.escape(rules.date_separators)
    return re.compile(
        rf"^(?P<first>\d{{1,2}})(?P<sep>[{separators}])(?P<middle>\d{{1,2}})(?P=sep)(?P<year>\d{{2}}|\d{{4}})(?:\s+{_TIME})?$"
    )


_NUMERIC_DATES = {code: _numeric_date(rules) for code, rules in LOCALES.items()}


def _month_number(word: str, rules: Locale) -> int | None:
    word = word.rstrip(".").casefold()
    for index, (full, short) in enumerate(zip(rules.months, rules.short_months)):
        if word in (full.casefold(), short.casefold()):
            return index + 1
    return None


_WORD = r"[^\W\d_]+\.?"
_NAMED_DAY_FIRST = re.compile(rf"^(?P<day>\d{{1,2}})\.?\s+(?P<month>{_WORD})\s+(?P<year>\d{{4}})$")
_NAMED_MONTH_FIRST = re.compile(rf"^(?P<month>{_WORD})\s+(?P<day>\d{{1,2}}),?\s+(?P<year>\d{{4}})$")
_NAMED_MONTH_YEAR = re.compile(rf"^(?P<month>{_WORD})\s+(?P<year>\d{{4}})$")


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        year += 2000 if year < 30 else 1900  # Sheets reads 00-29 as 20xx, 30-99 as 19xx
    return year


def _clock(match: re.Match[str]) -> tuple[int, int, int] | None:
    hour, minute, second = int(match["hour"]), int(match["minute"]), int(match["second"] or 0)
    if match["ampm"]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if match["ampm"].lower() == "pm" else 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    return hour, minute, second


def _typed_date(year: int, month: int, day: int, shape: str, match: re.Match[str] | None = None) -> Typed | None:
    try:
        moment = datetime(year, month, day)
    except ValueError:
        return None
    if match is not None and match.groupdict().get("hour"):
        clock = _clock(match)
        if clock is None:
            return None
        moment = moment.replace(hour=clock[0], minute=clock[1], second=clock[2])
        return Typed(serial(moment), "datetime", shape)
    return Typed(serial(moment), "date", shape)


def parse_date_time(text: str, rules: Locale) -> Typed | None:
    """A date, date-time or time of day typed under `rules`, or None when Sheets would keep the text."""
    if match := _ISO.match(text):
        return _typed_date(int(match["year"]), int(match["month"]), int(match["day"]), "iso", match)
    if match := _ISO_MONTH.match(text):
        return _typed_date(int(match["year"]), int(match["month"]), 1, "iso_month")
    if match := _NUMERIC_DATES[rules.code].match(text):
        first, middle = int(match["first"]), int(match["middle"])
        day, month = (first, middle) if rules.day_first else (middle, first)
        return _typed_date(_year(match["year"]), month, day, "numeric", match)
    if match := _TIME_ONLY.match(text):
        clock = _clock(match)
        if clock is None:
            return None
        return Typed(json_number((clock[0] * 3600 + clock[1] * 60 + clock[2]) / 86400), "time")
    for pattern in (_NAMED_DAY_FIRST, _NAMED_MONTH_FIRST, _NAMED_MONTH_YEAR):
        if (match := pattern.match(text)) and (month := _month_number(match["month"], rules)):
            day = int(match.groupdict().get("day") or 1)
            shape = "month_year" if pattern is _NAMED_MONTH_YEAR else "month_name"
            return _typed_date(int(match["year"]), month, day, shape)
    return None


# ---------------------------------------------------------------- formulas


_OPERATORS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
}


class _FormulaError(Exception):
    def __init__(self, value: str) -> None:
        self.value = value


def evaluate(expression: str) -> Any:
    """A formula's result, or Google's error value ("#NAME?", "#DIV/0!", "#ERROR!") as text."""
    source = expression.replace("^", "**").replace(";", ",")
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError:
        return "#ERROR!"
    try:
        result = _value(tree.body)
    except _FormulaError as error:
        return error.value
    except ZeroDivisionError:
        return "#DIV/0!"
    except OverflowError:
        return "#NUM!"
    except (TypeError, ValueError):
        return "#VALUE!"
    return json_number(float(result)) if isinstance(result, int | float) and not isinstance(result, bool) else result


def _value(node: ast.expr) -> Any:
    if (
        isinstance(node, ast.Constant)
        and isinstance(node.value, int | float | str)
        and not isinstance(node.value, bool)
    ):
        return node.value
    if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
        left, right = _value(node.left), _value(node.right)
        if not all(isinstance(v, int | float) for v in (left, right)):
            raise _FormulaError("#VALUE!")
        # Floats, as a spreadsheet computes: 9^9^9 overflows at once instead of growing an integer for ever.
        return _OPERATORS[type(node.op)](float(left), float(right))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        operand = _value(node.operand)
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        name = node.func.id.upper()
        arguments = [_value(argument) for argument in node.args]
        if name == "HYPERLINK" and 1 <= len(arguments) <= 2:
            return str(arguments[-1])
        if name == "SUM" and all(isinstance(a, int | float) for a in arguments):
            return math.fsum(arguments)
    raise _FormulaError("#NAME?")


# ---------------------------------------------------------------- rendering


def unformatted(cell: Any, serial_dates: bool, code: str) -> Any:
    """UNFORMATTED_VALUE: numbers as numbers, dates as serials (or as shown, with FORMATTED_STRING)."""
    if cell is None:
        return ""
    if cell.__class__ in PLAIN:
        return cell
    if cell.is_date_time and not serial_dates:
        return formatted(cell, code)
    return cell.value


def formula(cell: Any, serial_dates: bool, code: str) -> Any:
    """FORMULA: a formula's text; everything else as UNFORMATTED_VALUE gives it."""
    if cell.__class__ is Typed and cell.formula is not None:
        return cell.formula
    return unformatted(cell, serial_dates, code)


def formatted(cell: Any, code: str) -> str:
    """FORMATTED_VALUE: the text the cell shows in the Sheet."""
    if cell is None:
        return ""
    if cell.__class__ is str:
        return cell
    rules = LOCALES[code]
    if cell.__class__ is bool:
        return "TRUE" if cell else "FALSE"
    if cell.__class__ in (int, float):
        return rules.number(cell)
    value = cell.value
    if isinstance(value, str):
        return value  # a formula's text result or error value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if cell.kind in ("date", "datetime"):
        moment = from_serial(value)
        shown = _date_text(moment.date(), cell.shape, rules)
        return f"{shown} {moment:%H:%M:%S}" if cell.kind == "datetime" else shown
    if cell.kind == "time":
        return rules.time(from_serial(value))
    if cell.kind == "percent":
        shown = rules.number(json_number(round(value * 100, 13)))
        return f"{shown} %" if rules.currency_after else f"{shown}%"
    if cell.kind == "currency":
        amount = f"{abs(value):,.2f}".replace(",", "\0").replace(".", rules.decimal).replace("\0", rules.group[0])
        sign = "-" if value < 0 else ""
        return f"{sign}{amount} {rules.currency}" if rules.currency_after else f"{sign}{rules.currency}{amount}"
    if cell.kind == "grouped":
        whole, _, fraction = general_number(abs(value)).partition(".")
        grouped = f"{int(whole):,}".replace(",", rules.group[0])
        sign = "-" if value < 0 else ""
        return sign + grouped + (rules.decimal + fraction if fraction else "")
    return rules.number(value)


def _date_text(day: date, shape: str, rules: Locale) -> str:
    if shape == "iso":
        return day.isoformat()
    if shape == "iso_month":
        return f"{day.year}-{day.month:02d}"
    if shape == "month_year":
        return f"{rules.short_months[day.month - 1]} {day.year}"
    if shape == "month_name":
        month = rules.short_months[day.month - 1]
        return f"{month} {day.day}, {day.year}" if rules.code == "en_US" else f"{day.day} {month} {day.year}"
    return rules.short_date(day)


def typed_as(cell: Any, code: str) -> str:
    """What a person in locale `code` types to get `cell` (the inverse of `user_entered`, for fixtures).

    Dates in the locale's own short form, numbers with its decimal mark and no grouping, booleans in its words.
    Text that the locale would read as something else (a "1,5" under de_DE, "=1+1") gets the quote prefix,
    as a careful person (or a column formatted as plain text) keeps it text.
    """
    rules = locale(code)
    if cell is None or cell == "":
        return ""
    if cell.__class__ is bool:
        return rules.true_word if cell else rules.false_word
    if cell.__class__ in (int, float):
        return rules.number(cell)
    if cell.__class__ is str:
        return cell if user_entered(cell, code) == cell else "'" + cell
    if cell.formula is not None:
        return cell.formula
    if cell.kind in ("date", "datetime"):
        moment = from_serial(cell.value)
        day = rules.short_date(moment.date())
        return f"{day} {moment:%H:%M:%S}" if cell.kind == "datetime" else day
    if cell.kind == "time":
        return rules.time(from_serial(cell.value))
    if cell.kind == "percent":
        return rules.number(json_number(round(cell.value * 100, 13))) + "%"
    return rules.number(cell.value)
