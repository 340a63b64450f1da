-- Trash: DELETE moves a file or folder under its owner's trash root, a second parentless folder
-- next to the user's root (named '.trash'; the root is named ''). The item is renamed to its
-- trash id there, so any number of items with the same name can be trashed.
DROP INDEX node_root;
CREATE UNIQUE INDEX node_roots ON node (owner_id, name) WHERE parent_id IS NULL;

CREATE TABLE trash (
    id            INTEGER PRIMARY KEY,
    owner_id      INTEGER NOT NULL REFERENCES app_user (id),
    node_id       INTEGER NOT NULL UNIQUE REFERENCES node (id),
    original_path TEXT    NOT NULL,       -- decoded path it was deleted from
    deleted_at    INTEGER NOT NULL,
    size_bytes    INTEGER NOT NULL        -- content bytes in the item, for listings
);
CREATE INDEX trash_owner ON trash (owner_id, deleted_at);
CREATE INDEX trash_deleted ON trash (deleted_at);
