-- roster schema, version 6: nothing on PostgreSQL. On SQLite it adds an
-- index in login order that holds the names, which lists filtered by name
-- walk (Tx.loginWalk); PostgreSQL's planner sorts the matches instead, so
-- the index would only cost its writes. The version keeps both databases'
-- numbers the same.
SELECT 1;
