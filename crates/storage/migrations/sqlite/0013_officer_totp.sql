-- optional second factor for officers: a TOTP secret (RFC 6238) per account, unconfirmed until the first code is
-- accepted; `last_step` is the last time step accepted, so a code cannot be used twice. A password accepted for an
-- account with a confirmed secret opens no session: it opens a short login challenge (only the SHA-256 of its token
-- is stored) that the six-digit code completes.
create table officer_totp (
    officer_id blob primary key references officers (id) on delete cascade,
    secret text not null,
    confirmed_at text,
    last_step integer,
    created_at text not null
) strict;

create table officer_login_challenges (
    token_hash text primary key,
    officer_id blob not null references officers (id) on delete cascade,
    created_at text not null,
    expires_at text not null,
    client_ip text
) strict;
create index officer_login_challenges_expires on officer_login_challenges (expires_at);
