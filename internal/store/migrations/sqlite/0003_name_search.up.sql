-- roster schema, version 3: lower-cased names for filters and ordering,
-- computed by roster (Go's case folding, the same on both databases) and
-- indexed, so prefix and equality filters do not scan the users.
ALTER TABLE users ADD COLUMN first_lower TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN last_lower TEXT NOT NULL DEFAULT '';
UPDATE users SET first_lower = lower(first_name), last_lower = lower(last_name);
CREATE INDEX users_last_lower ON users (account_id, last_lower, login_lower, id);
CREATE INDEX users_first_lower ON users (account_id, first_lower, login_lower, id);
DROP INDEX users_last_name;
-- The role and group filters look a user's reference up by (account,
-- role or group, user): with the user in the index, a planner without
-- statistics yet (a young PostgreSQL table) cannot pick a scan of every
-- user holding the role for each user.
DROP INDEX user_roles_role;
CREATE INDEX user_roles_role ON user_roles (account_id, role, user_id);
DROP INDEX user_groups_group;
CREATE INDEX user_groups_group ON user_groups (account_id, group_id, user_id);
