-- two indexes of 0005 that no query needs since the partial indexes of 0009: the open-dossier queue reads
-- `dossiers_open_status` / `dossiers_open_unit` (it filters `closed_at is null`), and no query filters the competent
-- unit by status (the register reads `dossiers_register`). each cost a b-tree entry on every reception and two on
-- every change of status or due date (BENCHMARKS.md, "Fewer indexes on dossiers"). dropping an index changes no
-- result: a binary older than this one still answers its open-dossier queue, by a slower plan.
drop index if exists dossiers_queue;
drop index if exists dossiers_competent;
