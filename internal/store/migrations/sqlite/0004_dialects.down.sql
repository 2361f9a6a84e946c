-- Back to version 3, which knows neither archived users nor the dialects'
-- fields: an archived user, and one whose password is a temporary one it
-- must change, keeps no password and no token (a version 3 roster would
-- let the first log in, and keep the second's temporary password); the
-- dialects' extensions and the last logins are dropped.
DELETE FROM tokens WHERE kind = 'user' AND EXISTS (SELECT 1 FROM users u
    WHERE u.account_id = tokens.account_id AND u.id = tokens.subject_id AND (json_extract(u.doc, '$.archived') = 1 OR json_extract(u.doc, '$.mustChangePassword') = 1));
UPDATE users SET password_hash = '' WHERE json_extract(doc, '$.archived') = 1 OR json_extract(doc, '$.mustChangePassword') = 1;
UPDATE users SET doc = json_remove(doc, '$.archived', '$.mustChangePassword', '$.extensions');
DROP INDEX users_login;
ALTER TABLE users DROP COLUMN last_login_at;
