-- roster schema, version 7: the index a profile's status probes holds
-- only the records a profile caused: the records of a client's own change
-- to a user without a profile, and to the fields a user sets itself
-- (cause_profile ''), are never probed, and they were written into it and
-- settled out of it. The records of aspects a user inherits from its
-- profile carry the profile as their cause, and stay in it. The queries
-- that use the index repeat its condition (cause_profile <> ''), as
-- PostgreSQL uses a partial index only for a query that states it.
--
-- On SQLite this version also drops the index on login names across
-- accounts; PostgreSQL keeps it (see the SQLite migration).
DROP INDEX aspects_cause;
CREATE INDEX aspects_cause ON aspects (cause_profile, state, name, cause_version, account_id) WHERE cause_profile <> '';
