-- Back to a flag: set on the records a user's status shows (the latest
-- change's, and every record not done).
UPDATE aspects SET stamp = CASE WHEN state <> 'done' OR stamp <> 0 AND stamp = (SELECT MAX(a.stamp) FROM aspects a
    WHERE a.account_id = aspects.account_id AND a.user_id = aspects.user_id) THEN 1 ELSE 0 END;
ALTER TABLE aspects RENAME COLUMN stamp TO reported;
