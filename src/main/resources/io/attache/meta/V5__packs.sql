-- Packs: many small encrypted blobs in one store object (restic's packs). A blob is one encrypted
-- chunk of one version, in the chunk format, found at (pack, offset, length); a whole chunk stored alone
-- is a pack of one blob at offset 0, so everything stored before this version is a pack already.
-- A pack is either in the store or, with write-back, in this server's staging area (its locator
-- then has the scheme 'staged') until the uploader has moved its blobs into stored packs.
CREATE TABLE pack (
    id         INTEGER PRIMARY KEY,
    locator    TEXT    NOT NULL UNIQUE,
    size       BIGINT  NOT NULL,          -- bytes of the object
    live_blobs INTEGER NOT NULL,          -- blobs of committed versions in it
    live_bytes BIGINT  NOT NULL,          -- their encrypted bytes
    staged     INTEGER NOT NULL,          -- 1 while it is in the staging area
    created_at BIGINT  NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0, -- failed uploads of a staged pack
    last_error TEXT,
    CHECK (size > 0 AND live_blobs >= 0 AND live_bytes >= 0)
);
CREATE INDEX pack_staged ON pack (staged, created_at);
CREATE INDEX pack_live ON pack (live_blobs);

CREATE TABLE blob (
    version_id  INTEGER NOT NULL REFERENCES version (id) ON DELETE CASCADE,
    idx         INTEGER NOT NULL,
    pack_id     INTEGER NOT NULL REFERENCES pack (id),
    pack_offset BIGINT  NOT NULL,
    length      INTEGER NOT NULL,         -- encrypted bytes
    plain_size  INTEGER NOT NULL,
    PRIMARY KEY (version_id, idx)
);
CREATE INDEX blob_pack ON blob (pack_id, pack_offset);

-- Blobs a write has stored (or staged) but not committed yet. The commit turns them into blob
-- rows in its transaction; rows left by a crash or a failed write are dropped, and a pack that no
-- blob and no pending blob needs any more goes to the delete queue.
CREATE TABLE pending_blob (
    content_id  BLOB    NOT NULL,
    idx         INTEGER NOT NULL,
    pack_id     INTEGER NOT NULL REFERENCES pack (id),
    pack_offset BIGINT  NOT NULL,
    length      INTEGER NOT NULL,
    plain_size  INTEGER NOT NULL,
    created_at  BIGINT  NOT NULL,
    PRIMARY KEY (content_id, idx)
);
CREATE INDEX pending_blob_pack ON pending_blob (pack_id);
CREATE INDEX pending_blob_created ON pending_blob (created_at);

-- Every chunk so far is a pack of one blob: 1 version byte, then per 64 KiB segment 28 bytes of
-- nonce and tag around the plaintext (docs/FORMAT.md).
INSERT INTO pack (locator, size, live_blobs, live_bytes, staged, created_at)
    SELECT locator, 1 + plain_size + ((plain_size + 65535) / 65536) * 28, 1,
           1 + plain_size + ((plain_size + 65535) / 65536) * 28, 0, 0
    FROM chunk;
INSERT INTO blob (version_id, idx, pack_id, pack_offset, length, plain_size)
    SELECT k.version_id, k.idx, p.id, 0, p.size, k.plain_size FROM chunk k JOIN pack p ON p.locator = k.locator;
DROP TABLE chunk;

-- A pack emptied by repacking still holds blobs that the newest metadata snapshot names; it is
-- kept (held) until a newer snapshot exists, so that a restore never points at a deleted pack.
ALTER TABLE delete_queue ADD COLUMN held INTEGER NOT NULL DEFAULT 0;

-- Chunks of writes that never committed (the server stopped before this migration) are deleted.
INSERT INTO delete_queue (locator, enqueued_at, next_attempt_at)
    SELECT locator, created_at, created_at FROM pending_chunk;
DROP TABLE pending_chunk;
