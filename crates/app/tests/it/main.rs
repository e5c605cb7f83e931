//! Use cases over real storage, each run on SQLite and on PostgreSQL.

mod cases;
mod catalogue;
mod dossiers;

motcua_testkit::dual_test!(cases:
    demo_load_is_idempotent_and_audited,
    unit_tree_shows_history_and_succession,
    bad_unit_files_change_nothing,
    officer_of_one_unit_is_refused_another_units_data,
    login_logout_and_throttle,
    disabling_an_officer_ends_sessions_and_detects_conflicts,
    job_enqueued_with_a_change_runs_once,
    job_of_a_failed_change_never_exists,
    failing_job_is_retried_with_backoff_then_given_up,
    sweeper_removes_expired_sessions,
    calendar_schedules_drive_due_dates_and_are_audited,
    office_hours_are_inherited_and_change_due_dates,
);

mod catalogue_cases {
    use super::catalogue;
    motcua_testkit::dual_test!(catalogue:
        demo_catalogue_imports_once_and_exports_round_trip,
        a_bad_catalogue_reports_every_problem_and_writes_nothing,
        drafts_publication_withdrawal_and_conflicts,
        search_ignores_diacritics_and_filters,
        review_flags_abolished_papers_and_records_decisions,
        due_dates_follow_the_published_statutory_time,
    );
}

mod dossier_cases {
    use super::dossiers;
    motcua_testkit::dual_test!(dossiers:
        counter_dossier_from_reception_to_returned_result,
        online_submission_is_checked_by_reception_and_may_be_refused,
        bad_receptions_change_nothing,
        concurrent_actions_and_receptions,
        idempotent_submissions_and_the_timeline,
        public_status_needs_a_second_factor_and_resists_enumeration,
    );
}
