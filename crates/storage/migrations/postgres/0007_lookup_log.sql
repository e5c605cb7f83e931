-- the population-database lookup log (spec §6.4, docs/lookup-log.md): one row per lookup, separate from the
-- audit trail, append-only and hash-chained: hash = sha-256(prev_hash ‖ canonical bytes of the row), computed by
-- the application. seq numbers the chain from 1 without gaps; the head row below says where it ends and carries
-- the ed25519 signature of (seq, hash), renewed with every append.
create table lookup_log (
    seq bigint primary key,
    id uuid not null unique,
    occurred_at timestamptz not null,
    actor_kind text not null check (actor_kind in ('officer', 'citizen', 'system')),
    actor_id text,
    actor_unit_id text,
    purpose text not null,
    dossier_code text,
    procedure_code text,
    subject_id_number text not null,
    -- json arrays of population field keys
    fields_requested jsonb not null,
    fields_returned jsonb not null,
    result text not null check (result in ('found', 'not_found', 'unavailable', 'refused', 'error')),
    client_addr text,
    request_id text,
    prev_hash text not null,
    hash text not null
);
create index lookup_log_subject on lookup_log (subject_id_number, seq);
create index lookup_log_actor on lookup_log (actor_id, occurred_at);
create index lookup_log_unit on lookup_log (actor_unit_id, occurred_at);
create index lookup_log_occurred on lookup_log (occurred_at);

create function lookup_log_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'the lookup log is append-only';
end;
$$;
create trigger lookup_log_no_update_delete before update or delete on lookup_log
    for each row execute function lookup_log_append_only();

-- one row per chain: the lock row that serialises appends (select … for update) and the signed head.
create table lookup_log_head (
    chain text primary key,
    seq bigint not null,
    hash text not null,
    key_id text,
    signature text,
    signed_at timestamptz,
    checkpointed_at timestamptz
);
insert into lookup_log_head (chain, seq, hash) values
    ('main', 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- signed heads kept at an interval: a rollback of the head row to an older copy is still caught by a later one.
create table lookup_log_checkpoints (
    seq bigint primary key,
    hash text not null,
    key_id text not null,
    signature text not null,
    signed_at timestamptz not null
);
create trigger lookup_log_checkpoints_no_update_delete before update or delete on lookup_log_checkpoints
    for each row execute function lookup_log_append_only();

-- every public key that ever signed, by key id: rotation keeps the old ones for verification.
create table lookup_log_keys (
    key_id text primary key,
    public_key text not null,
    created_at timestamptz not null
);
create trigger lookup_log_keys_no_update_delete before update or delete on lookup_log_keys
    for each row execute function lookup_log_append_only();
