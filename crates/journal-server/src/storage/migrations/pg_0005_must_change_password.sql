-- A password the administrator gave (a new account, a reset) must be changed at the user's first
-- sign-in: while set, only the password change, sign-out and «who am I» are allowed.
ALTER TABLE users ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT FALSE;
