-- The state a fleet of Rally servers shares (`[rally] state = "postgresql://…"`), applied once at start by
-- data_sources/shared_state.py. Times are seconds since the epoch as the servers' clocks give them (as in the
-- SQLite outbox), so a test can move a server's clock.

-- The write queue: every answer, vote and post any server accepted, until the Sheet holds it (data_sources/shared_outbox.py).
CREATE TABLE rally_outbox (
    seq BIGINT GENERATED ALWAYS AS IDENTITY,
    id TEXT PRIMARY KEY,  -- the row's ID, also in the Sheet's ID column: what makes it exactly once
    tab TEXT NOT NULL,
    header TEXT NOT NULL,  -- JSON list: the tab's header the row was laid out for
    cells TEXT NOT NULL,  -- JSON object: column -> text
    id_column TEXT NOT NULL DEFAULT 'ID',
    created DOUBLE PRECISION NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_try DOUBLE PRECISION NOT NULL DEFAULT 0,
    sent DOUBLE PRECISION,  -- when the Sheet confirmed it
    error TEXT,
    uncertain BOOLEAN NOT NULL DEFAULT false,  -- an append carrying it got no answer Rally can trust
    refusals INTEGER NOT NULL DEFAULT 0,
    dead DOUBLE PRECISION,  -- moved aside (a dead letter)
    dropped DOUBLE PRECISION,  -- a facilitator dropped the dead letter
    claimed_by TEXT,  -- the writer sending it now…
    claimed_until DOUBLE PRECISION  -- …until then: past it, a writer that died is taken over
);
CREATE INDEX rally_outbox_queued ON rally_outbox (created, seq) WHERE sent IS NULL AND dead IS NULL AND dropped IS NULL;
CREATE INDEX rally_outbox_sent ON rally_outbox (sent) WHERE sent IS NOT NULL;
CREATE INDEX rally_outbox_dead ON rally_outbox (dead) WHERE dead IS NOT NULL AND dropped IS NULL;

-- One budget and one pace for every writer of the fleet: Google's write quota is the service account's, not a server's.
CREATE TABLE rally_writer (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    failures INTEGER NOT NULL DEFAULT 0,
    not_before DOUBLE PRECISION NOT NULL DEFAULT 0,
    next_append DOUBLE PRECISION NOT NULL DEFAULT 0
);
INSERT INTO rally_writer (id) VALUES (1);

-- The Sheet as one server read it for the fleet (data_sources/fleet_source.py): the newest read of each scope (the
-- whole Sheet, the room's live tabs), and its tabs stored once per version.
CREATE TABLE rally_sheet_reads (
    scope TEXT PRIMARY KEY,
    version TEXT NOT NULL,
    fetched_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE rally_snapshots (
    scope TEXT NOT NULL,
    version TEXT NOT NULL,
    source TEXT NOT NULL,
    locale TEXT,
    time_zone TEXT,
    content BYTEA NOT NULL,  -- the tabs as JSON, zlib-compressed by Rally
    stored_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, version)
);
ALTER TABLE rally_snapshots ALTER COLUMN content SET STORAGE EXTERNAL;  -- compressed already: don't try again

-- The public forms' spam limit and the facilitator passcode's slow-down, for every server (data_sources/shared_limits.py).
CREATE TABLE rally_form_sends (
    key TEXT NOT NULL,
    at DOUBLE PRECISION NOT NULL
);
CREATE INDEX rally_form_sends_key ON rally_form_sends (key, at);
CREATE INDEX rally_form_sends_at ON rally_form_sends (at);
CREATE TABLE rally_passcode_clients (
    client TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    last_failure DOUBLE PRECISION NOT NULL,
    not_before DOUBLE PRECISION NOT NULL
);
CREATE TABLE rally_passcode_failures (at DOUBLE PRECISION NOT NULL);
CREATE INDEX rally_passcode_failures_at ON rally_passcode_failures (at);
