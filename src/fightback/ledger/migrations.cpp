// The schema, as an ordered list of steps. Append; never edit a step that has shipped.
#include "fightback/ledger/ledger.hpp"

#include <array>

namespace fightback::ledger {
namespace {

constexpr std::array<Migration, 6> steps{{
    {1, "abuse contact cache, keyed by the range a registry returned",
     R"sql(
CREATE TABLE contact_cache (
    family     INTEGER NOT NULL,          -- 4 or 6
    first_ip   BLOB    NOT NULL,          -- 16 bytes, big-endian (IPv4 in the first 4)
    last_ip    BLOB    NOT NULL,
    registry   TEXT    NOT NULL,          -- the server that answered
    fetched_at INTEGER NOT NULL,          -- seconds since the epoch
    expires_at INTEGER NOT NULL,
    answer     TEXT    NOT NULL,          -- JSON: what the registry said (evidence, notes)
    PRIMARY KEY (family, first_ip, last_ip)
);
CREATE INDEX contact_cache_lookup ON contact_cache (family, first_ip DESC, last_ip);
)sql"},
    {2, "messages seen and what happened to them: verdicts, traces, contacts, folder moves",
     R"sql(
CREATE TABLE messages (
    id           INTEGER PRIMARY KEY,
    content_hash TEXT    NOT NULL UNIQUE, -- SHA-256 (hex) of the bytes as received
    message_id   TEXT,                    -- the Message-ID field, sanitised; may be absent
    size         INTEGER NOT NULL,
    location     TEXT,                    -- where it was first seen (file or folder)
    first_seen   INTEGER NOT NULL,        -- seconds since the epoch
    last_seen    INTEGER NOT NULL
);
CREATE INDEX messages_by_message_id ON messages (message_id);
CREATE TABLE verdicts (
    id      INTEGER PRIMARY KEY,
    message INTEGER NOT NULL REFERENCES messages (id),
    at      INTEGER NOT NULL,
    engine  TEXT    NOT NULL,             -- clamav, clamd, headers, user ...
    name    TEXT    NOT NULL,             -- what matched (the signature or rule)
    action  TEXT    NOT NULL              -- complain, review, quarantine, none ...
);
CREATE INDEX verdicts_by_message ON verdicts (message);
CREATE TABLE traces (
    message   INTEGER PRIMARY KEY REFERENCES messages (id),
    at        INTEGER NOT NULL,
    origin_ip TEXT,                       -- NULL when the trace named no origin
    trace     TEXT    NOT NULL            -- JSON, as `fightback trace --json` prints it
);
CREATE INDEX traces_by_origin ON traces (origin_ip);
CREATE TABLE message_contacts (
    message   INTEGER PRIMARY KEY REFERENCES messages (id),
    at        INTEGER NOT NULL,
    automatic INTEGER NOT NULL,           -- the confidence gate: 1 when a complaint may go
    decision  TEXT    NOT NULL            -- JSON, as `fightback contacts --json` prints it
);
CREATE TABLE moves (
    id        INTEGER PRIMARY KEY,
    message   INTEGER NOT NULL REFERENCES messages (id),
    at        INTEGER NOT NULL,
    from_path TEXT    NOT NULL,
    to_path   TEXT    NOT NULL
);
CREATE INDEX moves_by_message ON moves (message);
)sql"},
    {3, "complaints (aggregated per source and recipient), their incidents, the outbox",
     R"sql(
CREATE TABLE complaints (
    id              INTEGER PRIMARY KEY,
    source_ip       TEXT    NOT NULL,
    recipient       TEXT    NOT NULL,     -- the To address (normalised)
    cc              TEXT    NOT NULL DEFAULT '', -- further addresses, space-separated
    feedback_type   TEXT    NOT NULL CHECK (feedback_type IN ('abuse', 'virus')),
    message_id      TEXT    NOT NULL UNIQUE, -- the complaint's own Message-ID, fixed at creation
    state           TEXT    NOT NULL CHECK (state IN ('queued', 'sending', 'handed', 'deferred',
                                                      'sent', 'failed', 'dropped')),
    created_ms      INTEGER NOT NULL,     -- milliseconds since the epoch
    updated_ms      INTEGER NOT NULL,
    next_attempt_ms INTEGER NOT NULL,     -- due from then (queued, deferred)
    attempts        INTEGER NOT NULL DEFAULT 0,
    sample          BLOB,                 -- the latest incident's message, until composed
    sample_incident INTEGER,              -- the incident the sample belongs to
    sample_headers  INTEGER NOT NULL DEFAULT 0, -- 1: the sample holds the header only
    body            BLOB,                 -- the composed report; set once, never changed
    composed_ms     INTEGER,
    sent_ms         INTEGER,
    last_error      TEXT,
    note            TEXT                  -- e.g. an unknown outcome after a crash
);
CREATE INDEX complaints_due ON complaints (state, next_attempt_ms);
CREATE INDEX complaints_by_pair ON complaints (source_ip, recipient, created_ms);
CREATE INDEX complaints_by_recipient ON complaints (recipient, sent_ms);
CREATE TABLE incidents (
    id              INTEGER PRIMARY KEY,
    message         INTEGER NOT NULL REFERENCES messages (id),
    complaint       INTEGER REFERENCES complaints (id), -- NULL when none was made
    disposition     TEXT    NOT NULL,     -- reported, late, suppressed, no-contact
    reason          TEXT,
    recorded_ms     INTEGER NOT NULL,
    source_ip       TEXT    NOT NULL,
    arrival         INTEGER NOT NULL,     -- seconds since the epoch
    original_id     TEXT,                 -- the reported message's Message-ID
    mail_from       TEXT,
    rcpt_to         TEXT,
    detection       TEXT    NOT NULL,
    reported_domain TEXT,
    UNIQUE (message)                      -- a message is an incident once
);
CREATE INDEX incidents_by_complaint ON incidents (complaint);
CREATE INDEX incidents_by_source ON incidents (source_ip, recorded_ms);
CREATE TABLE deliveries (
    id          INTEGER PRIMARY KEY,
    complaint   INTEGER NOT NULL REFERENCES complaints (id),
    started_ms  INTEGER NOT NULL,
    finished_ms INTEGER,
    transport   TEXT    NOT NULL,         -- the SMTP URL or the sendmail program
    outcome     TEXT,                     -- sent, deferred, failed, unknown; NULL while running
    code        INTEGER,                  -- the server's last reply code, or the exit status
    detail      TEXT
);
CREATE INDEX deliveries_by_complaint ON deliveries (complaint);
)sql"},
    {4, "source networks as the registry named them, and replies from abuse desks",
     R"sql(
CREATE TABLE source_networks (
    source_ip   TEXT    PRIMARY KEY,      -- canonical form, as in incidents and complaints
    range       TEXT,                     -- the range the registry returned (CIDR or first - last)
    name        TEXT,                     -- the network's name there (netname, RDAP name)
    registry    TEXT,                     -- the server that answered
    recorded_ms INTEGER NOT NULL
);
CREATE TABLE replies (
    id           INTEGER PRIMARY KEY,
    content_hash TEXT    NOT NULL UNIQUE, -- SHA-256 of the reply's bytes: recorded once
    message_id   TEXT,
    kind         TEXT    NOT NULL CHECK (kind IN ('auto-reply', 'feedback-report', 'bounce',
                                                  'personal')),
    complaint    INTEGER REFERENCES complaints (id), -- NULL when it could not be tied to one
    matched_by   TEXT    NOT NULL,        -- in-reply-to, references, original, ticket, subject, none
    ticket       TEXT,                    -- the desk's ticket, normalised (e.g. "abuse#123")
    from_addr    TEXT,
    subject      TEXT,
    received_ms  INTEGER NOT NULL,        -- the reply's Date, else when it was read
    recorded_ms  INTEGER NOT NULL,
    location     TEXT
);
CREATE INDEX replies_by_complaint ON replies (complaint);
CREATE INDEX replies_by_ticket ON replies (ticket);
)sql"},
    {5, "the scan pipeline progress per message: the folder chosen, then done",
     R"sql(
CREATE TABLE pipeline_state (
    message     INTEGER PRIMARY KEY REFERENCES messages (id),
    state       TEXT    NOT NULL CHECK (state IN ('moving', 'done')),
    action      TEXT    NOT NULL,         -- keep, complain, review, quarantine
    outcome     TEXT    NOT NULL,         -- clean, complained, unresolved, review, quarantined
    from_path   TEXT,                     -- the file as found (NULL when it stays)
    destination TEXT,                     -- the folder it goes to (NULL when it stays)
    updated     INTEGER NOT NULL          -- seconds since the epoch
);
CREATE INDEX pipeline_state_moving ON pipeline_state (state) WHERE state = 'moving';
)sql"},
    {6, "why a message failed (outcome error): later runs skip it unless asked to retry",
     R"sql(
ALTER TABLE pipeline_state ADD COLUMN detail TEXT;
)sql"},
}};

} // namespace

std::span<const Migration> migrations()
{
    return steps;
}

} // namespace fightback::ledger
