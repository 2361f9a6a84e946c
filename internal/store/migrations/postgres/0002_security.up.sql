-- roster schema, version 2: credentials, password policy and history,
-- login lockout and the audit log.

-- Bearer tokens, stored only as SHA-256 hashes of their 256 random bits.
-- kind is operator (no account, no expiry), client or user.
CREATE TABLE tokens (
    hash       TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,
    account_id TEXT,
    subject_id TEXT NOT NULL,
    scopes     TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX tokens_subject ON tokens (account_id, kind, subject_id);
CREATE INDEX tokens_expiry ON tokens (expires_at);

-- OAuth 2.0 clients of an account; the secret is stored as a hash.
CREATE TABLE api_clients (
    account_id  TEXT NOT NULL REFERENCES accounts (id),
    id          TEXT NOT NULL,
    name        TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    scopes      TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (account_id, id)
);
CREATE UNIQUE INDEX api_clients_id ON api_clients (id);

CREATE TABLE password_policies (
    account_id TEXT PRIMARY KEY REFERENCES accounts (id),
    doc        TEXT NOT NULL,
    version    BIGINT NOT NULL
);

-- Earlier password hashes of a user, newest first by changed_at.
CREATE TABLE password_history (
    account_id TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    hash       TEXT NOT NULL,
    changed_at BIGINT NOT NULL
);
CREATE INDEX password_history_user ON password_history (account_id, user_id, changed_at);

-- Failed logins per login name, known or not (no enumeration).
CREATE TABLE login_failures (
    account_id   TEXT NOT NULL,
    login_lower  TEXT NOT NULL,
    failures     BIGINT NOT NULL,
    locked_until BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    PRIMARY KEY (account_id, login_lower)
);

ALTER TABLE users ADD COLUMN password_changed_at BIGINT NOT NULL DEFAULT 0;

CREATE TABLE audit_records (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id    TEXT NOT NULL,
    at            BIGINT NOT NULL,
    actor_kind    TEXT NOT NULL,
    actor_id      TEXT NOT NULL,
    action        TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    resource_id   TEXT NOT NULL,
    fields        TEXT NOT NULL
);
CREATE INDEX audit_records_account ON audit_records (account_id, at, id);
