-- roster schema, version 3, undone.
DROP INDEX user_groups_group;
CREATE INDEX user_groups_group ON user_groups (account_id, group_id);
DROP INDEX user_roles_role;
CREATE INDEX user_roles_role ON user_roles (account_id, role);
CREATE INDEX users_last_name ON users (account_id, last_name);
DROP INDEX users_first_lower;
DROP INDEX users_last_lower;
ALTER TABLE users ALTER COLUMN login_lower TYPE TEXT;
ALTER TABLE users DROP COLUMN last_lower;
ALTER TABLE users DROP COLUMN first_lower;
