-- the procedure catalogue. every change of a procedure appends an immutable version (the whole document, as the
-- domain type `Procedure` serialises it); `procedures` holds one summary row per code for search and filters:
-- the fields of the published version when there is one, else of the latest. lists of levels and units are kept
-- as '|a|b|' text so that one LIKE pattern filters them on both backends.
create table procedures (
    code text primary key,
    name text not null,
    search_text text not null,
    sector_name text not null,
    levels text not null,
    units text not null,
    online_level text not null check (online_level in ('full_process', 'partial', 'none')),
    lifecycle text not null check (lifecycle in ('draft', 'published', 'withdrawn')),
    essential boolean not null,
    latest_version bigint not null,
    published_version bigint,
    updated_at timestamptz not null
);
create index procedures_lifecycle_name on procedures (lifecycle, name);
create index procedures_sector on procedures (sector_name);

create table procedure_versions (
    code text not null references procedures (code),
    version bigint not null,
    lifecycle text not null check (lifecycle in ('draft', 'published', 'withdrawn')),
    effective_from date not null,
    effective_to date,
    content_hash text not null,
    document jsonb not null,
    created_at timestamptz not null,
    primary key (code, version)
);

-- an officer's decision on a catalogue-review finding (a component that seems to demand an abolished paper).
create table catalogue_review_decisions (
    code text not null references procedures (code),
    component_key text not null,
    paper_key text not null,
    decision text not null check (decision in ('confirmed', 'dismissed')),
    note text,
    decided_by text not null,
    decided_at timestamptz not null,
    primary key (code, component_key, paper_key)
);
