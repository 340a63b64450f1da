-- Attaché metadata, schema version 1. Plain SQL that PostgreSQL also accepts (with BIGSERIAL ids
-- and BYTEA for BLOB); SQLite-specific settings live in Database.java, not here.

-- Facts about this database: the master key's id, when it was created.
CREATE TABLE setting (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE app_user (
    id            INTEGER PRIMARY KEY,
    name          TEXT    NOT NULL UNIQUE,
    password_hash TEXT    NOT NULL,
    quota_bytes   INTEGER,            -- NULL: no quota
    used_bytes    INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL    -- milliseconds since the epoch, like every *_at column
);

-- Immutable content: what one PUT wrote. Files point at a version; COPY makes a second file point
-- at the same version, so chunks are shared and ref_count says by how many files.
CREATE TABLE version (
    id          INTEGER PRIMARY KEY,
    content_id  BLOB    NOT NULL UNIQUE,   -- 16 random bytes bound into every chunk's associated data
    size        INTEGER NOT NULL,
    chunk_size  INTEGER NOT NULL,
    wrapped_key BLOB    NOT NULL,          -- the content key wrapped by the master key
    ref_count   INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    CHECK (size >= 0 AND chunk_size > 0 AND ref_count >= 0)
);

CREATE TABLE chunk (
    version_id INTEGER NOT NULL REFERENCES version (id) ON DELETE CASCADE,
    idx        INTEGER NOT NULL,
    locator    TEXT    NOT NULL,
    plain_size INTEGER NOT NULL,
    PRIMARY KEY (version_id, idx)
);
CREATE INDEX chunk_locator ON chunk (locator);

-- Folders and files in one table, so that a name is unique among all children of a folder,
-- files and folders together, by the database's own constraint. A user's root has no parent.
CREATE TABLE node (
    id           INTEGER PRIMARY KEY,
    owner_id     INTEGER NOT NULL REFERENCES app_user (id),
    parent_id    INTEGER REFERENCES node (id),
    name         TEXT    NOT NULL,
    kind         TEXT    NOT NULL CHECK (kind IN ('folder', 'file')),
    version_id   INTEGER REFERENCES version (id),
    content_type TEXT,
    created_at   INTEGER NOT NULL,
    modified_at  INTEGER NOT NULL,
    CHECK ((kind = 'file') = (version_id IS NOT NULL)),
    UNIQUE (parent_id, name)
);
CREATE INDEX node_owner ON node (owner_id);
CREATE INDEX node_version ON node (version_id);
-- One root per user: the UNIQUE above does not cover NULL parents.
CREATE UNIQUE INDEX node_root ON node (owner_id) WHERE parent_id IS NULL;

-- Dead properties (PROPPATCH), value as the XML content of the property element.
CREATE TABLE property (
    node_id   INTEGER NOT NULL REFERENCES node (id) ON DELETE CASCADE,
    namespace TEXT    NOT NULL,
    name      TEXT    NOT NULL,
    value     TEXT    NOT NULL,
    PRIMARY KEY (node_id, namespace, name)
);

-- Chunks stored by a write that has not committed yet. The commit deletes its rows in the same
-- transaction; rows left by a crash name chunks for the collector.
CREATE TABLE pending_chunk (
    content_id BLOB    NOT NULL,
    locator    TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX pending_chunk_content ON pending_chunk (content_id);

-- Chunks no metadata references any more, deleted from the store in the background.
CREATE TABLE delete_queue (
    id              INTEGER PRIMARY KEY,
    locator         TEXT    NOT NULL,
    enqueued_at     INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT
);
CREATE INDEX delete_queue_due ON delete_queue (next_attempt_at);
