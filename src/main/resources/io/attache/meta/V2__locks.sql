-- WebDAV write locks (RFC 4918 section 6), kept in the database so that they survive a restart.
-- A lock belongs to a path, not to a row of node: LOCK on an unmapped URL, MOVE and DELETE all
-- act on paths. path is the decoded path inside the owner's tree, '/' for the root.
CREATE TABLE dav_lock (
    token      TEXT    PRIMARY KEY,       -- opaquelocktoken:<uuid>
    owner_id   INTEGER NOT NULL REFERENCES app_user (id),
    path       TEXT    NOT NULL,
    collection INTEGER NOT NULL,          -- 1 when the locked resource is a folder
    infinite   INTEGER NOT NULL,          -- 1 for Depth: infinity, 0 for Depth: 0
    exclusive  INTEGER NOT NULL,          -- 1 exclusive, 0 shared
    owner_xml  TEXT,                      -- the DAV:owner content the client sent
    timeout_s  INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX dav_lock_path ON dav_lock (owner_id, path);
CREATE INDEX dav_lock_expiry ON dav_lock (expires_at);
