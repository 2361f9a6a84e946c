-- roster schema, version 2, undone.
DROP TABLE IF EXISTS audit_records;
ALTER TABLE users DROP COLUMN password_changed_at;
DROP TABLE IF EXISTS login_failures;
DROP TABLE IF EXISTS password_history;
DROP TABLE IF EXISTS password_policies;
DROP TABLE IF EXISTS api_clients;
DROP TABLE IF EXISTS tokens;
