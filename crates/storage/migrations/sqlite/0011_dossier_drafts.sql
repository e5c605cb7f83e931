-- online drafts: what a logged-in citizen has typed into a procedure's e-form, saved by the form page as they type
-- (one draft per citizen and procedure, replaced on each save) so it survives a closed browser; deleted when the
-- dossier is filed. `updated_at` serves the retention purge (drafts untouched for a while are removed).
create table dossier_drafts (
    id_number text not null,
    procedure_code text not null,
    form_values text not null,
    created_at text not null,
    updated_at text not null,
    primary key (id_number, procedure_code)
) strict;
create index dossier_drafts_updated on dossier_drafts (updated_at);
