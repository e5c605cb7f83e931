-- nothing to change on postgresql: its planner answers an inbox page from the partial queue indexes of 0009 with an
-- index-only scan, the predicate `closed_at is null` being implied by the index's own where clause. the sqlite half
-- of this migration adds `closed_at` to those keys, which sqlite needs for the same plan.
select 1;
