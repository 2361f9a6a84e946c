-- Back to version 3, which knows neither archived users nor the dialects'
-- fields: an archived user, and one whose password is a temporary one it
-- must change, keeps no password and no token (a version 3 roster would
-- let the first log in, and keep the second's temporary password); the
-- dialects' extensions and the last logins are dropped.
DELETE FROM tokens t USING users u
    WHERE t.kind = 'user' AND u.account_id = t.account_id AND u.id = t.subject_id AND ((u.doc::jsonb ->> 'archived') = 'true' OR (u.doc::jsonb ->> 'mustChangePassword') = 'true');
UPDATE users SET password_hash = '' WHERE (doc::jsonb ->> 'archived') = 'true' OR (doc::jsonb ->> 'mustChangePassword') = 'true';
UPDATE users SET doc = ((doc::jsonb - 'archived' - 'mustChangePassword' - 'extensions')::text);
DROP INDEX users_login;
ALTER TABLE users DROP COLUMN last_login_at;
