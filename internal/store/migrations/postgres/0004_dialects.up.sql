-- roster schema, version 4: what the Vonage and GWS dialects show beside
-- the canonical fields. Archived, mustChangePassword and the dialects'
-- extensions live in the user's document; the last login is a column (a
-- login writes it without a new version of the user), and GWS's HTTP Basic
-- finds a login name's account without the account in the path.
ALTER TABLE users ADD COLUMN last_login_at BIGINT;
CREATE INDEX users_login ON users (login_lower);
