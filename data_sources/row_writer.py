"""Queue one row for a tab people also edit by hand (Posts): name the columns it needs, then hand it to the outbox.

`rally.staff.posting.write_plan` lays the row out under the tab's own header and lists the
columns the tab lacks (the ID, the first time a post is logged in Rally). Those are
added to the header here, once, before the row is queued; the outbox does the rest
(durable, retried, RAW). When the Sheet can't be reached the row is queued anyway:
its cells already sit in the right columns, and the next row names the missing ones.
"""

from __future__ import annotations

import logging

from data_sources.base import DataSource, SourceError
from data_sources.outbox import Outbox
from rally.staff.posting import WritePlan

log = logging.getLogger("rally.row_writer")


def queue_row(outbox: Outbox, source: DataSource, plan: WritePlan, sheet_reachable: bool = True) -> str:
    """Store the row durably and queue it; returns its ID. Adds missing header names first when the Sheet answers."""
    if plan.add_columns and sheet_reachable:
        try:
            source.ensure_columns(plan.tab, plan.header_row, plan.add_columns)
        except SourceError as error:
            log.warning(
                "could not add %s to the header of %s (tried again with the next row): %s",
                ", ".join(plan.add_columns),
                plan.tab,
                error,
            )
    return outbox.submit(plan.tab, plan.header, plan.row, id_column=plan.id_column)
