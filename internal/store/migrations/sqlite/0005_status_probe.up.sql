-- roster schema, version 5: a profile's status finds which aspects still
-- have records pending or failed by probing one index per aspect and
-- state, instead of counting every record the profile caused. The index
-- leads with the profile, not the account, so that a join on a record's
-- key (account, user, aspect) can only choose the primary key, even
-- before the planner has statistics.
DROP INDEX aspects_cause_state;
DROP INDEX aspects_cause;
CREATE INDEX aspects_cause ON aspects (cause_profile, state, name, cause_version, account_id);
