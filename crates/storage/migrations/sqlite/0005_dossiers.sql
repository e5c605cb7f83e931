-- dossiers (hồ sơ) and the daily sequences of their national codes. the state lives in `dossiers` with an
-- optimistic version; every change appends its event to `events` in the same transaction. `deadline` is the domain
-- type `Deadline` (reception, original due date, pauses, re-appointment) as json.
create table dossiers (
    id blob primary key,
    province_id text not null,
    code text unique,
    procedure_code text not null,
    procedure_version integer not null,
    case_key text,
    channel text not null check (channel in ('counter', 'postal', 'online')),
    receiving_unit_id text not null references units (id),
    competent_unit_id text not null references units (id),
    owner_unit_id text not null references units (id),
    status text not null check (status in ('draft', 'submitted', 'reception_supplement', 'not_accepted', 'accepted',
        'processing', 'supplement_requested', 'awaiting_payment', 'withdrawn', 'stopped', 'processed', 'returned')),
    applicant text not null,
    lookup_pin text not null,
    form text not null,
    components text not null,
    deadline text,
    due_at text,
    supplement_requests integer not null,
    apologised integer not null check (apologised in (0, 1)),
    version integer not null,
    submitted_at text,
    created_at text not null,
    updated_at text not null
) strict;
create index dossiers_queue on dossiers (owner_unit_id, status, due_at);
create index dossiers_competent on dossiers (competent_unit_id, status, due_at);

-- the last sequence number issued per agency code and local day; incremented in the transaction that creates the
-- dossier, so a rolled-back reception gives its number back and codes have no gaps.
create table dossier_sequences (
    agency_code text not null,
    day text not null,
    last_value integer not null,
    primary key (agency_code, day)
) strict;

-- idempotency keys of submissions: the same key and body return the same dossier; kept at least 24 hours.
create table idempotency_keys (
    principal text not null,
    key text not null,
    request_hash text not null,
    dossier_id blob not null references dossiers (id),
    created_at text not null,
    primary key (principal, key)
) strict;
create index idempotency_keys_created on idempotency_keys (created_at);
