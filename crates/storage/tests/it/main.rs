//! Storage behaviour, each case run on SQLite and on PostgreSQL.

mod bulk;
mod cases;
mod group_commit;
mod inbox_plan;
mod schema;
mod sequences;
mod wal;

motcua_testkit::dual_test!(cases:
    migrations_are_idempotent,
    units_round_trip_with_successors,
    duplicate_username_is_classified,
    stale_version_is_rejected,
    one_statement_reads_see_each_commit,
    sessions_expire,
    events_are_append_only,
    jobs_are_claimed_once_and_retried,
    abandoned_jobs_return_to_the_queue,
    concurrent_claims_are_disjoint,
    holiday_schedules_are_versioned,
    office_hours_are_versioned_per_unit,
    group_commit_isolates_a_failing_write,
    sequential_writes_commit_one_by_one,
    a_panicking_write_does_not_stop_the_writer,
    held_back_inserts_fail_only_their_own_write,
);
