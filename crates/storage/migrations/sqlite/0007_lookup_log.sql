-- the population-database lookup log (spec §6.4, docs/lookup-log.md): one row per lookup, separate from the
-- audit trail, append-only and hash-chained: hash = sha-256(prev_hash ‖ canonical bytes of the row), computed by
-- the application. seq numbers the chain from 1 without gaps; the head row below says where it ends and carries
-- the ed25519 signature of (seq, hash), renewed with every append.
create table lookup_log (
    seq integer not null primary key,
    id blob not null unique,
    occurred_at text not null,
    actor_kind text not null check (actor_kind in ('officer', 'citizen', 'system')),
    actor_id text,
    actor_unit_id text,
    purpose text not null,
    dossier_code text,
    procedure_code text,
    subject_id_number text not null,
    -- json arrays of population field keys
    fields_requested text not null,
    fields_returned text not null,
    result text not null check (result in ('found', 'not_found', 'unavailable', 'refused', 'error')),
    client_addr text,
    request_id text,
    prev_hash text not null,
    hash text not null
) strict;
create index lookup_log_subject on lookup_log (subject_id_number, seq);
create index lookup_log_actor on lookup_log (actor_id, occurred_at);
create index lookup_log_unit on lookup_log (actor_unit_id, occurred_at);
create index lookup_log_occurred on lookup_log (occurred_at);

create trigger lookup_log_no_update before update on lookup_log
begin
    select raise(abort, 'the lookup log is append-only');
end;
create trigger lookup_log_no_delete before delete on lookup_log
begin
    select raise(abort, 'the lookup log is append-only');
end;

-- one row per chain: the lock row that serialises appends (select … for update on postgresql; begin immediate
-- already serialises sqlite writers) and the signed head.
create table lookup_log_head (
    chain text primary key,
    seq integer not null,
    hash text not null,
    key_id text,
    signature text,
    signed_at text,
    checkpointed_at text
) strict;
insert into lookup_log_head (chain, seq, hash) values
    ('main', 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- signed heads kept at an interval: a rollback of the head row to an older copy is still caught by a later one.
create table lookup_log_checkpoints (
    seq integer not null primary key,
    hash text not null,
    key_id text not null,
    signature text not null,
    signed_at text not null
) strict;
create trigger lookup_log_checkpoints_no_update before update on lookup_log_checkpoints
begin
    select raise(abort, 'lookup log checkpoints are append-only');
end;
create trigger lookup_log_checkpoints_no_delete before delete on lookup_log_checkpoints
begin
    select raise(abort, 'lookup log checkpoints are append-only');
end;

-- every public key that ever signed, by key id: rotation keeps the old ones for verification.
create table lookup_log_keys (
    key_id text primary key,
    public_key text not null,
    created_at text not null
) strict;
create trigger lookup_log_keys_no_update before update on lookup_log_keys
begin
    select raise(abort, 'lookup log keys are append-only');
end;
create trigger lookup_log_keys_no_delete before delete on lookup_log_keys
begin
    select raise(abort, 'lookup log keys are append-only');
end;
