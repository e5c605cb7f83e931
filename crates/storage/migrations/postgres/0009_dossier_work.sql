-- the work on dossiers after reception: who holds a dossier (an officer of its owner unit, the workflow step and the
-- step's due instant), when it closed, consultations of other units, notices to applicants and alerts to leaders.
-- the queues read open dossiers only (`closed_at is null`) through partial indexes that end in `(due_at, id)`, the
-- keyset of every queue page.
alter table dossiers add column assignee_id text;
alter table dossiers add column step_index bigint;
alter table dossiers add column step_due_at timestamptz;
alter table dossiers add column closed_at timestamptz;
update dossiers set closed_at = updated_at
    where status in ('not_accepted', 'withdrawn', 'stopped', 'returned');
create index dossiers_open_unit on dossiers (owner_unit_id, due_at, id) where closed_at is null;
create index dossiers_open_assignee on dossiers (assignee_id, due_at, id) where closed_at is null;
create index dossiers_open_status on dossiers (owner_unit_id, status, due_at, id) where closed_at is null;
create index dossiers_open_due on dossiers (due_at, id) where closed_at is null;
create index dossiers_register on dossiers (competent_unit_id, submitted_at, id);

-- a consultation (lấy ý kiến): the dossier stays with its owner; the consulted unit answers by `due_at`.
create table dossier_tasks (
    id uuid primary key,
    province_id text not null,
    dossier_id uuid not null references dossiers (id),
    unit_id text not null references units (id),
    from_unit_id text not null references units (id),
    kind text not null check (kind in ('consultation')),
    question text not null,
    due_at timestamptz not null,
    answer text,
    answered_at timestamptz,
    answered_by text,
    created_by text,
    created_at timestamptz not null,
    version bigint not null
);
create index dossier_tasks_open on dossier_tasks (unit_id, due_at, id) where answered_at is null;
create index dossier_tasks_dossier on dossier_tasks (dossier_id, created_at);

-- what the applicant was told (the portal's notices, by ID number); e-mail and SMS copies are jobs (`notice.email`,
-- `notice.sms`) enqueued in the same transaction, which stamp `emailed_at` / `texted_at` when sent.
create table notices (
    id uuid primary key,
    province_id text not null,
    recipient text not null,
    dossier_id uuid not null references dossiers (id),
    code text,
    status text not null,
    subject text not null,
    body text not null,
    email text,
    phone text,
    created_at timestamptz not null,
    read_at timestamptz,
    emailed_at timestamptz,
    texted_at timestamptz
);
create index notices_recipient on notices (recipient, created_at, id);

-- what the sweeper raised to a unit's leaders: a dossier nearing or past a due time. one row per dossier, kind and
-- due instant; resolved when the dossier moves on, re-opened by the sweeper if it still applies.
create table alerts (
    id uuid primary key,
    province_id text not null,
    unit_id text not null references units (id),
    dossier_id uuid not null references dossiers (id),
    kind text not null check (kind in ('reception_check_overdue', 'nearing_breach', 'overdue', 'step_overdue',
        'consultation_overdue')),
    due_at timestamptz not null,
    created_at timestamptz not null,
    resolved_at timestamptz,
    unique (dossier_id, kind, due_at)
);
create index alerts_open on alerts (unit_id, created_at, id) where resolved_at is null;
