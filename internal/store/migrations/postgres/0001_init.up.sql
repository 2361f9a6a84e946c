-- roster schema, version 1. Times are Unix milliseconds.
CREATE TABLE accounts (
    id                  TEXT PRIMARY KEY,
    name                TEXT NOT NULL,
    next_extension      BIGINT NOT NULL,
    channel_provider_id TEXT NOT NULL,
    created_at          BIGINT NOT NULL
);

CREATE TABLE org_nodes (
    account_id TEXT NOT NULL REFERENCES accounts (id),
    id         TEXT NOT NULL,
    name       TEXT NOT NULL,
    parent_id  TEXT,
    PRIMARY KEY (account_id, id),
    FOREIGN KEY (account_id, parent_id) REFERENCES org_nodes (account_id, id)
);
CREATE INDEX org_nodes_parent ON org_nodes (account_id, parent_id);

CREATE TABLE roster_groups (
    account_id  TEXT NOT NULL REFERENCES accounts (id),
    id          TEXT NOT NULL,
    name        TEXT NOT NULL,
    name_lower  TEXT NOT NULL,
    description TEXT NOT NULL,
    PRIMARY KEY (account_id, id),
    UNIQUE (account_id, name_lower)
);

CREATE TABLE queues (
    account_id  TEXT NOT NULL REFERENCES accounts (id),
    id          TEXT NOT NULL,
    name        TEXT NOT NULL,
    description TEXT NOT NULL,
    PRIMARY KEY (account_id, id)
);

CREATE TABLE attributes (
    account_id  TEXT NOT NULL REFERENCES accounts (id),
    name        TEXT NOT NULL,
    description TEXT NOT NULL,
    PRIMARY KEY (account_id, name)
);

CREATE TABLE profiles (
    account_id     TEXT NOT NULL REFERENCES accounts (id),
    id             TEXT NOT NULL,
    name_lower     TEXT NOT NULL,
    doc            TEXT NOT NULL,
    version        BIGINT NOT NULL,
    status_action  TEXT NOT NULL,
    status_since   BIGINT NOT NULL,
    status_aspects TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    PRIMARY KEY (account_id, id),
    UNIQUE (account_id, name_lower)
);

CREATE TABLE users (
    account_id    TEXT NOT NULL REFERENCES accounts (id),
    id            TEXT NOT NULL,
    login_lower   TEXT NOT NULL,
    first_name    TEXT NOT NULL,
    last_name     TEXT NOT NULL,
    org_node_id   TEXT NOT NULL,
    profile_id    TEXT,
    has_roles     BIGINT NOT NULL,
    has_groups    BIGINT NOT NULL,
    doc           TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    voice         TEXT,
    version       BIGINT NOT NULL,
    status_action TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    PRIMARY KEY (account_id, id),
    UNIQUE (account_id, login_lower),
    FOREIGN KEY (account_id, org_node_id) REFERENCES org_nodes (account_id, id),
    FOREIGN KEY (account_id, profile_id) REFERENCES profiles (account_id, id)
);
CREATE INDEX users_profile ON users (account_id, profile_id, id);
CREATE INDEX users_node ON users (account_id, org_node_id);
CREATE INDEX users_last_name ON users (account_id, last_name);

-- What users and profiles refer to, one row per reference, so catalogs
-- cannot lose an entry that is in use and filters need no JSON functions.
CREATE TABLE user_roles (
    account_id TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    role       TEXT NOT NULL,
    PRIMARY KEY (account_id, user_id, role),
    FOREIGN KEY (account_id, user_id) REFERENCES users (account_id, id) ON DELETE CASCADE
);
CREATE INDEX user_roles_role ON user_roles (account_id, role);

CREATE TABLE user_groups (
    account_id TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    group_id   TEXT NOT NULL,
    owned      BIGINT NOT NULL,
    PRIMARY KEY (account_id, user_id, group_id, owned),
    FOREIGN KEY (account_id, user_id) REFERENCES users (account_id, id) ON DELETE CASCADE,
    FOREIGN KEY (account_id, group_id) REFERENCES roster_groups (account_id, id)
);
CREATE INDEX user_groups_group ON user_groups (account_id, group_id);

CREATE TABLE user_queues (
    account_id TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    queue_id   TEXT NOT NULL,
    PRIMARY KEY (account_id, user_id, queue_id),
    FOREIGN KEY (account_id, user_id) REFERENCES users (account_id, id) ON DELETE CASCADE,
    FOREIGN KEY (account_id, queue_id) REFERENCES queues (account_id, id)
);
CREATE INDEX user_queues_queue ON user_queues (account_id, queue_id);

CREATE TABLE user_attributes (
    account_id TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    attribute  TEXT NOT NULL,
    PRIMARY KEY (account_id, user_id, attribute),
    FOREIGN KEY (account_id, user_id) REFERENCES users (account_id, id) ON DELETE CASCADE,
    FOREIGN KEY (account_id, attribute) REFERENCES attributes (account_id, name)
);
CREATE INDEX user_attributes_attribute ON user_attributes (account_id, attribute);

CREATE TABLE profile_roles (
    account_id TEXT NOT NULL,
    profile_id TEXT NOT NULL,
    role       TEXT NOT NULL,
    PRIMARY KEY (account_id, profile_id, role),
    FOREIGN KEY (account_id, profile_id) REFERENCES profiles (account_id, id) ON DELETE CASCADE
);

CREATE TABLE profile_groups (
    account_id TEXT NOT NULL,
    profile_id TEXT NOT NULL,
    group_id   TEXT NOT NULL,
    owned      BIGINT NOT NULL,
    PRIMARY KEY (account_id, profile_id, group_id, owned),
    FOREIGN KEY (account_id, profile_id) REFERENCES profiles (account_id, id) ON DELETE CASCADE,
    FOREIGN KEY (account_id, group_id) REFERENCES roster_groups (account_id, id)
);
CREATE INDEX profile_groups_group ON profile_groups (account_id, group_id);

CREATE TABLE profile_queues (
    account_id TEXT NOT NULL,
    profile_id TEXT NOT NULL,
    queue_id   TEXT NOT NULL,
    PRIMARY KEY (account_id, profile_id, queue_id),
    FOREIGN KEY (account_id, profile_id) REFERENCES profiles (account_id, id) ON DELETE CASCADE,
    FOREIGN KEY (account_id, queue_id) REFERENCES queues (account_id, id)
);
CREATE INDEX profile_queues_queue ON profile_queues (account_id, queue_id);

CREATE TABLE profile_attributes (
    account_id TEXT NOT NULL,
    profile_id TEXT NOT NULL,
    attribute  TEXT NOT NULL,
    PRIMARY KEY (account_id, profile_id, attribute),
    FOREIGN KEY (account_id, profile_id) REFERENCES profiles (account_id, id) ON DELETE CASCADE,
    FOREIGN KEY (account_id, attribute) REFERENCES attributes (account_id, name)
);
CREATE INDEX profile_attributes_attribute ON profile_attributes (account_id, attribute);

-- Provisioning: one row per (user, aspect). Kept after the user is deleted
-- (no foreign key) so the deletion's status stays readable.
CREATE TABLE aspects (
    account_id      TEXT NOT NULL,
    user_id         TEXT NOT NULL,
    name            TEXT NOT NULL,
    desired         TEXT,
    desired_version BIGINT NOT NULL,
    provisioned     TEXT,
    action          TEXT NOT NULL,
    state           TEXT NOT NULL,
    message         TEXT NOT NULL,
    attempts        BIGINT NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    lease_owner     TEXT NOT NULL,
    lease_until     BIGINT NOT NULL,
    reported        BIGINT NOT NULL,
    cause_profile   TEXT NOT NULL,
    cause_version   BIGINT NOT NULL,
    PRIMARY KEY (account_id, user_id, name)
);
CREATE INDEX aspects_due ON aspects (next_attempt_at) WHERE state = 'pending';
CREATE INDEX aspects_cause ON aspects (account_id, cause_profile, cause_version);
CREATE INDEX aspects_cause_state ON aspects (account_id, cause_profile, state);

CREATE TABLE user_tombstones (
    account_id TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    deleted_at BIGINT NOT NULL,
    PRIMARY KEY (account_id, user_id)
);

CREATE TABLE profile_tombstones (
    account_id TEXT NOT NULL,
    profile_id TEXT NOT NULL,
    aspects    TEXT NOT NULL,
    deleted_at BIGINT NOT NULL,
    PRIMARY KEY (account_id, profile_id)
);

-- A profile change being carried to the profile's users in batches.
CREATE TABLE propagations (
    account_id  TEXT NOT NULL,
    profile_id  TEXT NOT NULL,
    version     BIGINT NOT NULL,
    cursor      TEXT NOT NULL,
    done        BIGINT NOT NULL,
    lease_owner TEXT NOT NULL,
    lease_until BIGINT NOT NULL,
    PRIMARY KEY (account_id, profile_id)
);
CREATE INDEX propagations_todo ON propagations (done, lease_until);

CREATE TABLE idempotency_keys (
    account_id   TEXT NOT NULL,
    idem_key     TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status       BIGINT NOT NULL,
    headers      TEXT NOT NULL,
    body         TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (account_id, idem_key)
);
