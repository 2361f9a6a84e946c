DROP INDEX aspects_cause;
CREATE INDEX aspects_cause ON aspects (cause_profile, state, name, cause_version, account_id);
