-- Back to version 3, which knows neither archived users nor the dialects'
-- fields: an archived user keeps no password (it could not log in, and a
-- version 3 roster must not let it), and its tokens go; the dialects'
-- extensions, mustChangePassword and the last logins are dropped.
DELETE FROM tokens t USING users u
    WHERE t.kind = 'user' AND u.account_id = t.account_id AND u.id = t.subject_id AND (u.doc::jsonb ->> 'archived') = 'true';
UPDATE users SET password_hash = '' WHERE (doc::jsonb ->> 'archived') = 'true';
UPDATE users SET doc = ((doc::jsonb - 'archived' - 'mustChangePassword' - 'extensions')::text);
DROP INDEX users_login;
ALTER TABLE users DROP COLUMN last_login_at;
