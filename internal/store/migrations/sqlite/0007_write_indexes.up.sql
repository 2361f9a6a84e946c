-- roster schema, version 7: fewer index entries per user write.
--
-- SQLite only: no index on login names across accounts. GWS's HTTP Basic
-- finds a login name's accounts by probing each account's unique index on
-- (account_id, login_lower) instead (Tx.AccountsWithLogin): one probe an
-- account (~1 µs) on a path that verifies an argon2id hash anyway (~25 ms),
-- where the index cost every user write an entry. PostgreSQL keeps the
-- index: its planner does not keep to probing account by account, and
-- scans the users once an installation has many accounts.
--
-- The index a profile's status probes holds only the records a profile
-- caused: the records of a client's own change to a user without a
-- profile, and to the fields a user sets itself (cause_profile ''), are
-- never probed, and they were written into it and settled out of it. The
-- records of aspects a user inherits from its profile carry the profile
-- as their cause, and stay in it. The queries that use the index repeat
-- its condition (cause_profile <> ''), as SQLite and PostgreSQL use a
-- partial index only for a query that states it.
DROP INDEX users_login;
DROP INDEX aspects_cause;
CREATE INDEX aspects_cause ON aspects (cause_profile, state, name, cause_version, account_id) WHERE cause_profile <> '';
