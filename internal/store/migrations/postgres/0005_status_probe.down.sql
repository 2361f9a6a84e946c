DROP INDEX aspects_cause;
CREATE INDEX aspects_cause ON aspects (account_id, cause_profile, cause_version);
CREATE INDEX aspects_cause_state ON aspects (account_id, cause_profile, state);
