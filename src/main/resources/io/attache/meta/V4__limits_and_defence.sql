-- Bounded metadata, login defence, removable accounts and trash ids that are never reused.

-- What each user holds besides content bytes, kept up to date by every change so that limits are
-- checked without counting: files and folders (trash included, roots not), dead properties and
-- their bytes (which count toward the quota like content).
ALTER TABLE app_user ADD COLUMN entry_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE app_user ADD COLUMN property_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE app_user ADD COLUMN property_bytes BIGINT NOT NULL DEFAULT 0;
-- 'user remove' without --purge: the login is disabled at once and the files wait in the trash
-- until the trash retention has passed; then the account is deleted for good.
ALTER TABLE app_user ADD COLUMN removed_at BIGINT;

-- The UTF-8 bytes of namespace, name and value. Rows from before this version are measured in
-- characters, which is the same for the ASCII that clients store.
ALTER TABLE property ADD COLUMN size_bytes BIGINT NOT NULL DEFAULT 0;
UPDATE property SET size_bytes = LENGTH(namespace) + LENGTH(name) + LENGTH(value);

UPDATE app_user SET
    entry_count = (SELECT COUNT(*) FROM node n WHERE n.owner_id = app_user.id AND n.parent_id IS NOT NULL),
    property_count = (SELECT COUNT(*) FROM property p JOIN node n ON n.id = p.node_id WHERE n.owner_id = app_user.id),
    property_bytes = (SELECT COALESCE(SUM(p.size_bytes), 0) FROM property p JOIN node n ON n.id = p.node_id
                      WHERE n.owner_id = app_user.id);

-- Failed logins per client address ('address') and per user name as sent ('user'), counted in a
-- window that starts at the first failure; banned_until > now means refused without a check.
-- Shared by every node that uses this database.
CREATE TABLE login_failure (
    kind         TEXT   NOT NULL CHECK (kind IN ('address', 'user')),
    subject      TEXT   NOT NULL,
    failures     BIGINT NOT NULL,
    first_at     BIGINT NOT NULL,
    banned_until BIGINT NOT NULL,
    PRIMARY KEY (kind, subject)
);
CREATE INDEX login_failure_first ON login_failure (first_at);

-- Ids handed out from a counter that only grows, so that an id in an old listing never names
-- something else later (a table's own ids can come back once its highest row is deleted).
CREATE TABLE id_sequence (
    name       TEXT   PRIMARY KEY,
    next_value BIGINT NOT NULL
);
INSERT INTO id_sequence (name, next_value) SELECT 'trash', COALESCE(MAX(id), 0) + 1 FROM trash;
