-- foundation: the organisation tree, officers and their grants, sessions, the
-- append-only events table and the job queue.
-- conventions (both backends): ids are uuid (blob here) or stable text keys; instants are
-- rfc 3339 utc text bound from the application clock (never a database default); dates
-- are yyyy-mm-dd text; booleans are 0/1; json is text; no enums (text + check).

create table units (
    id text primary key,
    kind text not null check (kind in ('province', 'department', 'division', 'commune', 'ward',
                                       'special_zone', 'district', 'vertical', 'service_centre')),
    name text not null,
    parent_id text references units (id),
    admin_code text,
    agency_code text,
    agency_code_official integer not null check (agency_code_official in (0, 1)),
    valid_from text not null,
    valid_to text,
    note text,
    created_at text not null,
    updated_at text not null
) strict;
create index units_parent on units (parent_id);
create index units_admin_code on units (admin_code);
create index units_agency_code on units (agency_code);

-- where an ended unit's duties went (nq 1659/nq-ubtvqh15 and the like)
create table unit_successors (
    unit_id text not null references units (id),
    successor_id text not null references units (id),
    primary key (unit_id, successor_id)
) strict;
create index unit_successors_successor on unit_successors (successor_id);

create table officers (
    id blob primary key,
    -- stored lower-case: login is case-insensitive on both backends
    username text not null unique,
    full_name text not null,
    unit_id text not null references units (id),
    password_hash text not null,
    disabled integer not null check (disabled in (0, 1)),
    version integer not null,
    created_at text not null,
    updated_at text not null
) strict;
create index officers_unit on officers (unit_id);

create table officer_grants (
    officer_id blob not null references officers (id) on delete cascade,
    role text not null check (role in ('reception', 'handler', 'department_head', 'agency_head', 'clerk',
                                       'unit_admin', 'province_admin', 'leader', 'auditor')),
    unit_id text not null references units (id),
    primary key (officer_id, role, unit_id)
) strict;
create index officer_grants_unit on officer_grants (unit_id);

-- server-side sessions; only the sha-256 of the cookie token is stored
create table sessions (
    token_hash text primary key,
    officer_id blob not null references officers (id) on delete cascade,
    created_at text not null,
    expires_at text not null,
    client_ip text,
    user_agent text
) strict;
create index sessions_expires on sessions (expires_at);
create index sessions_officer on sessions (officer_id);

-- one row per state change, written in the same transaction as the change: the audit
-- trail, the outbox and the source of incremental statistics. never updated or deleted.
-- province_id is the distribution attribute (citus) and leads the key.
create table events (
    province_id text not null,
    id blob not null,
    occurred_at text not null,
    subject_type text not null,
    subject_id text not null,
    action text not null,
    unit_id text,
    actor_kind text not null check (actor_kind in ('anonymous', 'officer', 'citizen', 'organisation', 'system')),
    actor_id text,
    actor_unit_id text,
    request_id text,
    payload text not null,
    primary key (province_id, id)
) strict;
create index events_subject on events (subject_type, subject_id, occurred_at);
create index events_unit on events (unit_id, occurred_at);
create index events_occurred on events (occurred_at);

create trigger events_no_update before update on events
begin
    select raise(abort, 'events are append-only');
end;
create trigger events_no_delete before delete on events
begin
    select raise(abort, 'events are append-only');
end;

-- background jobs, enqueued in the same transaction as the change that causes them
create table jobs (
    id blob primary key,
    kind text not null,
    payload text not null,
    unit_id text,
    status text not null check (status in ('queued', 'running', 'done', 'failed')),
    attempts integer not null,
    max_attempts integer not null,
    run_at text not null,
    locked_until text,
    last_error text,
    created_at text not null,
    updated_at text not null,
    finished_at text
) strict;
create index jobs_due on jobs (status, run_at);
