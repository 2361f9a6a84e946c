DROP INDEX users_login_order;
