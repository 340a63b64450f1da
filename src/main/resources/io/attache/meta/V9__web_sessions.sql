-- Signed-in browsers of the web app. They live in the database, not in one node's memory, so that
-- any node of a cluster serves any browser (no sticky sessions) and a restart signs nobody out.
-- Only a SHA-256 hash of the cookie's token is stored.
CREATE TABLE web_session (
    token_hash   BLOB    NOT NULL PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    csrf_token   TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER NOT NULL
);
CREATE INDEX web_session_user ON web_session (user_id, last_used_at);
CREATE INDEX web_session_used ON web_session (last_used_at);
