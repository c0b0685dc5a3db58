"""Every log line scrubbed of the configured secrets, whoever logs it (Rally, Streamlit, gspread, google-auth).

A secret can end up inside a log record in ways no one planned: a library's exception
whose message holds a service-account key, a traceback of an uncaught page error, an
answer from Google quoting the request. `install(secrets)` makes every record the
process creates pass through `SecretRedactor` (message, arguments, exception text and
stack text cut with `config.redact`), so a leaked value is gone before any handler sees it.

Why at record creation rather than as a handler filter: Streamlit gives each of its
loggers its own handler, creates them lazily, replaces them when its config changes,
and stops them propagating, so a filter hung on today's handlers would miss tomorrow's.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable

from data_sources.config import redact


class SecretRedactor(logging.Filter):
    """A logging filter that never drops a record: it rewrites it without the secrets it holds."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets: tuple[str, ...] = tuple(secrets)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a record whose arguments don't fit its format: keep what can be shown
            message = f"{record.msg!s} {record.args!r}"
        record.msg, record.args = redact(message, list(self.secrets)), ()
        if record.exc_info and not record.exc_text:
            # Formatted once here; standard formatters print exc_text instead of formatting exc_info again.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text, list(self.secrets))
            record.exc_info = None  # a handler formatting the exception itself would print it unredacted
        if record.stack_info:
            record.stack_info = redact(record.stack_info, list(self.secrets))
        return True


_lock = threading.Lock()
_redactor: SecretRedactor | None = None


def install(secrets: Iterable[str]) -> SecretRedactor:
    """Scrub `secrets` (and any private key) from every log record from now on; later calls only update the list.

    Called whenever the app or the command line reads its configuration, so an edited
    secrets file is followed; the record factory is wrapped once per process.
    """
    global _redactor
    with _lock:
        if _redactor is None:
            _redactor = SecretRedactor(secrets)
            make_record = logging.getLogRecordFactory()
            redactor = _redactor

            def scrubbed_record(*args: object, **kwargs: object) -> logging.LogRecord:
                record = make_record(*args, **kwargs)
                redactor.filter(record)
                return record

            logging.setLogRecordFactory(scrubbed_record)
        else:
            _redactor.secrets = tuple(secrets)
        return _redactor
