-- roster schema, version 6: lists in the default order (login) walk an
-- index in that order that holds the names too, so a name filter is
-- checked in the index and a page stops after its last user, instead of
-- sorting every user that matches.
CREATE INDEX users_login_order ON users (account_id, login_lower, id, last_lower, first_lower);
