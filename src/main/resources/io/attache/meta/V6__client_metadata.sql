-- What sync and backup clients need: folder entity tags that change with anything below them,
-- content checksums they can compare without downloading, and deep listings.

-- Change numbers. Every change to a user's tree takes the next number from the user's counter
-- and writes it on the changed node and on all its ancestors, in the change's own transaction; a
-- folder's entity tag is made of its id and its number. Rows that exist already start at 0.
ALTER TABLE app_user ADD COLUMN change_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE node ADD COLUMN change_seq BIGINT NOT NULL DEFAULT 0;

-- Checksums of a version's plaintext, as ownCloud's oc:checksums writes them
-- ('SHA1:<hex> MD5:<hex>'); NULL when the upload asked for none. Copies share versions, so they
-- share the checksums.
ALTER TABLE version ADD COLUMN checksums TEXT;

-- A folder's subfolders in name order, for walking a tree (PROPFIND Depth: infinity) without
-- stepping over its files.
CREATE INDEX node_subfolders ON node (parent_id, kind, name);
