-- optional second factor for officers: a TOTP secret (RFC 6238) per account, unconfirmed until the first code is
-- accepted; `last_step` is the last time step accepted, so a code cannot be used twice. A password accepted for an
-- account with a confirmed secret opens no session: it opens a short login challenge (only the SHA-256 of its token
-- is stored) that the six-digit code completes.
create table officer_totp (
    officer_id uuid primary key references officers (id) on delete cascade,
    secret text not null,
    confirmed_at timestamptz,
    last_step bigint,
    created_at timestamptz not null
);

create table officer_login_challenges (
    token_hash text primary key,
    officer_id uuid not null references officers (id) on delete cascade,
    created_at timestamptz not null,
    expires_at timestamptz not null,
    client_ip text
);
create index officer_login_challenges_expires on officer_login_challenges (expires_at);
