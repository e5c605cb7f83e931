-- filing on behalf of another person (issue 6 §3): who filed (the logged-in representative), for whom (the subject's
-- personal ID number), on what footing (`authorised` = ủy quyền, `parent`, `guardian`) and the evidence — the
-- component carrying the authorisation or guardianship paper, or the lookup log record that confirmed the parent
-- relation. One row per dossier, written in the transaction that creates the dossier; never updated.
create table dossier_representations (
    dossier_id uuid primary key references dossiers (id),
    representative_id_number text not null,
    subject_id_number text not null,
    subject_name text,
    kind text not null check (kind in ('authorised', 'parent', 'guardian')),
    evidence_component text,
    evidence_lookup_id uuid,
    recorded_at timestamptz not null
);
-- "dossiers filed for me": the subject sees what others filed in their name.
create index dossier_representations_subject on dossier_representations (subject_id_number, recorded_at);
