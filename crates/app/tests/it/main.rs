//! Use cases over real storage, each run on SQLite and on PostgreSQL.

mod cases;
mod catalogue;
mod documents;
mod dossier_forms;
mod dossiers;
mod filing_limits;
mod population;
mod representation;
mod retention;
mod secrets;
mod security;
mod totp;

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
        notices_are_mailed_through_smtp_and_texted,
    );
}

mod document_cases {
    use super::documents;
    motcua_testkit::dual_test!(documents:
        uploads_are_checked_streamed_and_deduplicated,
        results_are_signed_verified_shared_and_reused,
        fixity_finds_missing_bytes_and_cleans_orphans,
        clamd_refuses_infected_files_and_fails_closed,
        a_procedure_limits_the_size_of_its_files,
        online_filing_takes_components_from_the_warehouse,
        an_organisations_result_goes_to_its_warehouse,
    );
}

mod retention_cases {
    use super::retention;
    motcua_testkit::dual_test!(retention:
        purge_removes_old_keeps_recent_and_is_audited,
        scheduled_purge_runs_when_due,
        purge_removes_long_inactive_citizen_profiles_and_expired_share_links,
    );
}

mod population_cases {
    use super::population;
    motcua_testkit::dual_test!(population:
        officer_lookup_returns_the_asked_fields_and_is_logged,
        lookups_without_purpose_basis_or_scope_are_refused_and_recorded,
        registry_down_slow_and_the_circuit_breaker,
        prefill_fills_and_locks_or_falls_back_to_declaring,
        auditor_report_counts_and_exports_within_scope,
        restarts_rotation_and_key_reuse,
        parallel_lookups_keep_one_chain,
    );
}

/// Lookup-log cases that also need the database URL, to act behind the application's back.
mod population_raw_cases {
    macro_rules! dual_raw {
        ($($name:ident),* $(,)?) => {
            mod sqlite {
                $(
                    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                    async fn $name() {
                        let t = motcua_testkit::TestDb::sqlite().await;
                        crate::population::$name(t.db(), t.url()).await;
                        t.finish().await;
                    }
                )*
            }
            mod postgres {
                $(
                    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                    async fn $name() {
                        let Some(t) = motcua_testkit::TestDb::postgres().await else { return };
                        crate::population::$name(t.db(), t.url()).await;
                        t.finish().await;
                    }
                )*
            }
        };
    }
    dual_raw!(
        the_database_refuses_rewrites,
        tamper_change_a_byte,
        tamper_delete_a_record,
        tamper_swap_two,
        tamper_insert_one,
        tamper_drop_the_tail,
        tamper_resign_with_a_key_of_the_intruder,
        fail_closed_when_the_log_cannot_be_written,
    );
}

mod identity;

mod identity_cases {
    use super::identity;
    motcua_testkit::dual_test!(identity:
        citizen_login_over_http_opens_a_session_that_expires,
        forged_expired_and_misbound_tokens_are_refused,
        wrong_state_and_replayed_callbacks_are_refused,
        assurance_levels_and_my_dossiers,
        organisation_accounts_file_and_list_the_organisations_dossiers,
        organisation_accounts_with_a_bad_tax_code_are_refused,
    );
}

mod secrets_cases {
    use super::secrets;
    motcua_testkit::dual_test!(secrets:
        totp_seeds_are_sealed_at_rest_and_still_log_in,
        a_legacy_plaintext_seed_still_works_and_is_sealed_by_its_next_use,
    );
}

mod totp_cases {
    use super::totp;
    motcua_testkit::dual_test!(totp:
        enrolment_and_two_step_login,
        wrong_codes_count_toward_the_throttle,
        an_administrator_resets_totp,
    );
}

mod dossier_forms_cases {
    use super::dossier_forms;
    motcua_testkit::dual_test!(dossier_forms: forms_are_built_from_events_and_stored_once);
}

mod representation_cases {
    use super::representation;
    motcua_testkit::dual_test!(representation:
        a_parent_files_for_their_child_verified_and_logged,
        a_non_parent_is_refused_and_the_refusal_recorded,
        a_representative_without_a_recorded_relationship_is_refused,
        the_subject_reads_a_dossier_filed_for_them_and_cannot_act_on_it,
    );
}

mod security_cases {
    use super::security;
    motcua_testkit::dual_test!(security:
        parallel_guesses_are_counted_before_they_are_checked,
        strangers_cannot_lock_an_officer_out,
        an_oversized_username_is_neither_stored_nor_kept,
        a_unit_administrator_gives_only_roles_it_holds,
        an_administrator_cannot_disable_their_own_account,
    );
}

mod filing_limit_cases {
    use super::filing_limits;
    motcua_testkit::dual_test!(filing_limits:
        a_person_files_online_up_to_the_daily_limit,
        one_address_files_at_most_its_hourly_number_for_everyone_behind_it,
        an_online_flood_stops_at_its_share_and_the_counter_still_receives,
    );
}
