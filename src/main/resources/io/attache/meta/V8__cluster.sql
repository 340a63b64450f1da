-- Several nodes on one PostgreSQL database (on SQLite there is one). A node's id is kept in its
-- data directory; its row says that it is alive (heartbeat_at, refreshed every few seconds) and
-- where the other nodes fetch the blobs it has staged and not yet uploaded.
CREATE TABLE cluster_node (
    id           TEXT    PRIMARY KEY,
    url          TEXT,                  -- its cluster listener; NULL when it has none
    incarnation  TEXT    NOT NULL,      -- random per start: two processes with one id are told apart
    started_at   INTEGER NOT NULL,
    heartbeat_at INTEGER NOT NULL       -- 0 once it stopped cleanly
);

-- Background work that one node at a time does for all (collecting the delete queue, emptying
-- expired trash, repacking, metadata snapshots, giving up the writes of nodes that died). holder
-- is the node doing it now; a holder whose heartbeat is older than the node timeout has died,
-- and the next node that looks takes the work over.
CREATE TABLE cluster_job (
    name       TEXT    PRIMARY KEY,
    holder     TEXT,
    claimed_at INTEGER NOT NULL DEFAULT 0,
    done_at    INTEGER NOT NULL DEFAULT 0
);

-- Which node's write recorded a pending blob: a node that starts gives up its own interrupted
-- writes, and the writes of a node that died are given up by another. NULL: recorded before.
ALTER TABLE pending_blob ADD COLUMN node_id TEXT;

-- The node deleting a queued object from the store right now. An entry still marked when a
-- collector starts was being deleted by a node that died: the object may be gone already, so
-- the next collector asks the store first and deletes nothing twice.
ALTER TABLE delete_queue ADD COLUMN claimed_by TEXT;
