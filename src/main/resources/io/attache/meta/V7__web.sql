-- The browser face: administrators and share links.

-- Administrators manage users from the web pages. The first user, 'admin', is one.
ALTER TABLE app_user ADD COLUMN is_admin INTEGER NOT NULL DEFAULT 0;
UPDATE app_user SET is_admin = 1 WHERE name = 'admin';

-- A read-only link to a file or folder of its owner. The link follows the node through renames
-- and moves; it stops working when the node is trashed and goes with it when it is deleted. Only
-- a SHA-256 hash of the token is stored: the token itself is shown once, to its owner.
CREATE TABLE share_link (
    id            INTEGER PRIMARY KEY,
    token_hash    BLOB    NOT NULL UNIQUE,
    owner_id      INTEGER NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    node_id       INTEGER NOT NULL REFERENCES node (id) ON DELETE CASCADE,
    password_hash TEXT,                   -- Argon2id, NULL when the link has no password
    expires_at    INTEGER,                -- NULL: never
    created_at    INTEGER NOT NULL,
    bytes_served  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX share_link_owner ON share_link (owner_id, created_at);
CREATE INDEX share_link_node ON share_link (node_id);
