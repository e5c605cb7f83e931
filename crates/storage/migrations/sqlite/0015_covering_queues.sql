-- the open-dossier queues become covering indexes on sqlite: with `closed_at` in the key, a page's ids are read from
-- the index alone (sqlite does not treat a partial index as covering when its where clause names a column outside
-- the key). with several units in scope the page must be sorted; sorting index entries instead of whole rows is what
-- keeps a restricted officer's inbox fast at millions of dossiers (tests/it/inbox_plan.rs checks the plan).
drop index dossiers_open_unit;
drop index dossiers_open_assignee;
drop index dossiers_open_status;
create index dossiers_open_unit on dossiers (owner_unit_id, due_at, id, closed_at) where closed_at is null;
create index dossiers_open_assignee on dossiers (assignee_id, due_at, id, closed_at) where closed_at is null;
create index dossiers_open_status on dossiers (owner_unit_id, status, due_at, id, closed_at) where closed_at is null;
