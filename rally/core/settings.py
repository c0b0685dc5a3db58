"""Settings: defaults live here; the Settings tab may override any of them by key."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd

from rally.core.contract import normalise_key
from rally.core.issues import DataIssue
from rally.core.parsing import is_web_link

MONTH_FIRST_LOCALES = {"en_US", "en_PH", "es_US", "fil_PH"}
WEEKDAYS: tuple[str, ...] = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class Setting:
    key: str
    field: str
    default: object
    description: str
    minimum: float | None = None
    choices: tuple[str, ...] = ()
    unset: str = "(Sheet locale)"  # what a blank value means, as the Settings page says it


SETTINGS_TABLE: tuple[Setting, ...] = (
    Setting("Refresh seconds", "refresh_seconds", 60, "How long a read of the Sheet is reused by every viewer", 10),
    Setting("Live refresh seconds", "live_refresh_seconds", 3, "How often live survey and vote results refresh", 1),
    Setting(
        "Date order",
        "date_order",
        "",
        "day-first or month-first for dates like 03/04/2026 (default: the Sheet's locale, else day-first)",
        None,
        ("day-first", "month-first"),
    ),
    Setting(
        "Time zone",
        "time_zone",
        "",
        "Where the company's day starts and ends: today, the weeks and months, the day of every timestamp "
        "(default: the Sheet's own time zone), e.g. Europe/Berlin",
        unset="(the Sheet's time zone)",
    ),
    Setting(
        "Meeting day",
        "meeting_day",
        "monday",
        "The weekday of the weekly meeting: kudos and dated notes sent after one meeting day, up to and including "
        "the next, are read out at that next meeting",
        None,
        WEEKDAYS,
    ),
    Setting(
        "Survey form link",
        "survey_form_link",
        "",
        "A Google Form's own link (https://forms.gle/…): the survey's QR code and Answer the survey open the Form, "
        "so phones on mobile data can answer a meeting run from a laptop",
        unset="(Rally's own survey page)",
    ),
    Setting("Points per post", "points_post", 10, "Scoring weight", 0),
    Setting("Points per reaction", "points_reaction", 1, "Scoring weight", 0),
    Setting("Points per comment", "points_comment", 3, "Scoring weight", 0),
    Setting("Points per share", "points_share", 5, "Scoring weight", 0),
    Setting("Points per click", "points_click", 2, "Scoring weight", 0),
    Setting("Reach per point", "reach_per_point", 100, "One point for every this many people reached", 1),
    Setting("Weekly post cap", "weekly_post_cap", 10, "Posts a person a week that count for points", 1),
    Setting(
        "Engagement minimum reach",
        "engagement_min_reach",
        200,
        "Reach a post needs before its engagement rate can win",
        0,
    ),
    Setting(
        "Implausible reach multiple",
        "implausible_reach_multiple",
        20,
        "Reach over this many times a person's median is flagged",
        1,
    ),
    Setting("Implausible reach minimum", "implausible_reach_minimum", 10_000, "…and over this many people", 0),
    Setting(
        "Anonymity threshold",
        "anonymity_threshold",
        5,
        "Smallest group a survey breakdown is shown for (never below 3)",
        3,
    ),
    Setting(
        "Training modules",
        "training_modules",
        "Platform mechanics, Company message, Time management, Analytics",
        "Comma list: the modules everyone should have (the training tracker's columns; others in the data are shown too)",
    ),
)


@dataclass(frozen=True)
class Settings:
    refresh_seconds: int = 60
    live_refresh_seconds: int = 3
    date_order: str = ""
    time_zone: str = ""
    meeting_day: str = "monday"
    survey_form_link: str = ""
    points_post: float = 10
    points_reaction: float = 1
    points_comment: float = 3
    points_share: float = 5
    points_click: float = 2
    reach_per_point: float = 100
    weekly_post_cap: int = 10
    engagement_min_reach: float = 200
    implausible_reach_multiple: float = 20
    implausible_reach_minimum: float = 10_000
    anonymity_threshold: int = 5
    training_modules: str = "Platform mechanics, Company message, Time management, Analytics"

    def day_first(self, locale: str | None = None) -> bool:
        """An explicit setting wins; otherwise the Sheet's locale decides; otherwise day-first."""
        if self.date_order:
            return self.date_order == "day-first"
        return (locale or "") not in MONTH_FIRST_LOCALES

    def value(self, key: str) -> object:
        return getattr(self, key)

    @property
    def meeting_weekday(self) -> int:
        """The meeting's weekday, Monday 0 to Sunday 6."""
        return WEEKDAYS.index(self.meeting_day) if self.meeting_day in WEEKDAYS else 0


def is_time_zone(name: str) -> bool:
    """An IANA time zone name the time-zone database knows (Europe/Berlin, America/New_York, Etc/GMT)."""
    if not name or name.startswith(("/", ".")) or ".." in name:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


_BY_KEY = {normalise_key(s.key): s for s in SETTINGS_TABLE}
_FIELD_TYPES = {f.name: f.type for f in fields(Settings)}


def parse_settings(table: pd.DataFrame) -> tuple[Settings, list[DataIssue]]:
    """Apply the Settings tab's rows over the defaults; unknown keys and bad values are reported."""
    settings, issues, changes = Settings(), [], {}
    for row, key, value in zip(table["row"], table["Key"], table["Value"]):
        setting = _BY_KEY.get(normalise_key(key))
        if setting is None:
            issues.append(DataIssue("Settings", int(row), "Key", key, "unknown setting — ignored"))
            continue
        if setting.choices:
            choice = value.strip().casefold().replace(" ", "-")
            if choice not in setting.choices:
                issues.append(
                    DataIssue(
                        "Settings",
                        int(row),
                        "Value",
                        value,
                        f"expected one of {', '.join(setting.choices)} — default kept",
                    )
                )
                continue
            changes[setting.field] = choice
            continue
        if setting.field == "time_zone":
            zone = value.strip()
            if not is_time_zone(zone):
                issues.append(
                    DataIssue(
                        "Settings", int(row), "Value", value, "not a time zone (try Europe/Berlin) — default kept"
                    )
                )
                continue
            changes[setting.field] = zone
            continue
        if setting.field == "survey_form_link":
            link = value.strip()
            if link and not is_web_link(link):
                issues.append(
                    DataIssue(
                        "Settings",
                        int(row),
                        "Value",
                        value,
                        "not an http(s) link (copy the Form's Send link) — ignored",
                    )
                )
                continue
            changes[setting.field] = link
            continue
        if _FIELD_TYPES[setting.field] == "str":
            if not value.strip():
                issues.append(DataIssue("Settings", int(row), "Value", value, "blank — default kept"))
                continue
            changes[setting.field] = " ".join(value.split())
            continue
        try:
            number = float(value.replace(",", ""))
            # float() reads "nan" and "inf" too: neither is a setting (int("nan") would crash the read).
            if not math.isfinite(number):
                raise ValueError(value)
        except ValueError:
            issues.append(DataIssue("Settings", int(row), "Value", value, "not a number — default kept"))
            continue
        if setting.minimum is not None and number < setting.minimum:
            issues.append(
                DataIssue(
                    "Settings", int(row), "Value", value, f"below the minimum of {setting.minimum:g} — default kept"
                )
            )
            continue
        changes[setting.field] = int(number) if _FIELD_TYPES[setting.field] == "int" else number
    return replace(settings, **changes), issues


def settings_table(settings: Settings) -> pd.DataFrame:
    """Every setting with its current value and default, for the Settings page (10, not 10.0; Monday, not monday)."""
    return pd.DataFrame(
        [
            {
                "Key": s.key,
                "Value": _shown(settings.value(s.field), s),
                "Default": _shown(s.default, s),
                "What it does": s.description,
            }
            for s in SETTINGS_TABLE
        ]
    ).astype("str")


def _shown(value: object, setting: Setting) -> str:
    if value == "":
        return setting.unset
    if isinstance(value, float) and value.is_integer():
        return f"{value:,.0f}" if abs(value) >= 10_000 else f"{value:.0f}"
    if isinstance(value, int | float):
        return f"{value:,}" if abs(value) >= 10_000 else str(value)
    return value.capitalize() if setting.choices == WEEKDAYS else str(value)
