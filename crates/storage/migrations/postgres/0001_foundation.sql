-- foundation: the organisation tree, officers and their grants, sessions, the
-- append-only events table and the job queue.
-- conventions (both backends): uuid ids or stable text keys; timestamptz bound from the
-- application clock (never a database default); date; boolean; jsonb; bigint for every
-- integer; no enums (text + check), no generated columns, no deferrable constraints, so
-- that citus and yugabytedb can run the same schema.

create table units (
    id text primary key,
    kind text not null check (kind in ('province', 'department', 'division', 'commune', 'ward',
                                       'special_zone', 'district', 'vertical', 'service_centre')),
    name text not null,
    parent_id text references units (id),
    admin_code text,
    agency_code text,
    agency_code_official boolean not null,
    valid_from date not null,
    valid_to date,
    note text,
    created_at timestamptz not null,
    updated_at timestamptz not null
);
create index units_parent on units (parent_id);
create index units_admin_code on units (admin_code);
create index units_agency_code on units (agency_code);

create table unit_successors (
    unit_id text not null references units (id),
    successor_id text not null references units (id),
    primary key (unit_id, successor_id)
);
create index unit_successors_successor on unit_successors (successor_id);

create table officers (
    id uuid primary key,
    username text not null unique,
    full_name text not null,
    unit_id text not null references units (id),
    password_hash text not null,
    disabled boolean not null,
    version bigint not null,
    created_at timestamptz not null,
    updated_at timestamptz not null
);
create index officers_unit on officers (unit_id);

create table officer_grants (
    officer_id uuid not null references officers (id) on delete cascade,
    role text not null check (role in ('reception', 'handler', 'department_head', 'agency_head', 'clerk',
                                       'unit_admin', 'province_admin', 'leader', 'auditor')),
    unit_id text not null references units (id),
    primary key (officer_id, role, unit_id)
);
create index officer_grants_unit on officer_grants (unit_id);

create table sessions (
    token_hash text primary key,
    officer_id uuid not null references officers (id) on delete cascade,
    created_at timestamptz not null,
    expires_at timestamptz not null,
    client_ip text,
    user_agent text
);
create index sessions_expires on sessions (expires_at);
create index sessions_officer on sessions (officer_id);

create table events (
    province_id text not null,
    id uuid not null,
    occurred_at timestamptz not null,
    subject_type text not null,
    subject_id text not null,
    action text not null,
    unit_id text,
    actor_kind text not null check (actor_kind in ('anonymous', 'officer', 'citizen', 'organisation', 'system')),
    actor_id text,
    actor_unit_id text,
    request_id text,
    payload jsonb not null,
    primary key (province_id, id)
);
create index events_subject on events (subject_type, subject_id, occurred_at);
create index events_unit on events (unit_id, occurred_at);
create index events_occurred on events (occurred_at);

create function events_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'events are append-only';
end;
$$;
create trigger events_no_update_delete before update or delete on events
    for each row execute function events_append_only();

create table jobs (
    id uuid primary key,
    kind text not null,
    payload jsonb not null,
    unit_id text,
    status text not null check (status in ('queued', 'running', 'done', 'failed')),
    attempts bigint not null,
    max_attempts bigint not null,
    run_at timestamptz not null,
    locked_until timestamptz,
    last_error text,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    finished_at timestamptz
);
create index jobs_due on jobs (status, run_at);
