-- roster schema, version 7: two index entries fewer for most writes.
--
-- No index on login names across accounts: GWS's HTTP Basic finds a login
-- name's account by probing each account's unique index on (account_id,
-- login_lower) instead (Tx.AccountsWithLogin), one probe an account on a
-- path that hashes a password anyway, where the index cost every user
-- write an entry.
--
-- The index a profile's status probes holds only the records a profile
-- caused: a client's own change (cause_profile '') is never probed, and
-- its records, written and then settled, changed the index twice each.
-- The queries that use it repeat its condition (cause_profile <> ''), as
-- both databases need to see it in a query to use a partial index.
DROP INDEX users_login;
DROP INDEX aspects_cause;
CREATE INDEX aspects_cause ON aspects (cause_profile, state, name, cause_version, account_id) WHERE cause_profile <> '';
