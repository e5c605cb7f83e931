-- citizens who logged in through the identity provider (VNeID-compatible OpenID Connect), their sessions, and the
-- logins under way. the personal ID number is the citizen's key (spec §6.1). like officers' sessions, a citizen
-- session stores only the SHA-256 of its cookie token; a login under way stores the SHA-256 of its `state`, with the
-- nonce and the PKCE verifier that only the server knows, and is deleted when used (one callback per login).
create table citizens (
    id_number text primary key,
    full_name text not null,
    birth_date text,
    assurance text not null check (assurance in ('L1', 'L2')),
    subject text not null,
    first_seen_at text not null,
    last_login_at text not null
) strict;

create table citizen_sessions (
    token_hash text primary key,
    id_number text not null references citizens (id_number) on delete cascade,
    full_name text not null,
    birth_date text,
    assurance text not null check (assurance in ('L1', 'L2')),
    created_at text not null,
    expires_at text not null,
    client_ip text,
    user_agent text
) strict;
create index citizen_sessions_expires on citizen_sessions (expires_at);
create index citizen_sessions_citizen on citizen_sessions (id_number);

create table citizen_logins (
    state_hash text primary key,
    nonce text not null,
    pkce_verifier text not null,
    return_to text not null,
    created_at text not null,
    expires_at text not null
) strict;
create index citizen_logins_expires on citizen_logins (expires_at);

-- "my dossiers": a citizen's dossiers by the applicant's ID number, newest first.
create index dossiers_applicant on dossiers ((applicant ->> 'id_number'), created_at);
