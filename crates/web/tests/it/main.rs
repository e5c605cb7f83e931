//! HTTP behaviour of the whole router, each case on SQLite and on PostgreSQL.

mod access_matrix;
mod audit;
mod cases;
mod catalogue;
mod disk_full;
mod documents;
mod dossier_forms;
mod dossier_work;
mod dossiers;
mod openapi_routes;
mod outage;
mod security;
mod totp;

motcua_testkit::dual_test!(cases:
    api_errors_are_problem_json,
    pages_errors_are_vietnamese_pages,
    cross_site_posts_are_refused,
    decision_point_refuses_another_units_data_over_http,
    concurrent_creations_commit_except_the_duplicate,
    openapi_document_and_viewer_are_served,
    health_readiness_and_metrics,
    login_form_sets_a_session_cookie,
    user_input_is_escaped_in_pages,
    calendar_api_and_page,
    calendar_edit_page_for_administrators,
    office_hours_page_for_unit_administrators,
);

mod catalogue_cases {
    use super::catalogue;
    motcua_testkit::dual_test!(catalogue:
        search_ignores_diacritics_over_api_and_page,
        drafts_are_private_and_stale_versions_conflict,
        form_validation_lists_each_bad_field,
        edits_are_checked_and_errors_located,
        public_pages_show_the_procedure_and_check_its_form,
        admin_pages_edit_publish_and_review,
    );
}

mod dossier_cases {
    use super::dossiers;
    motcua_testkit::dual_test!(dossiers:
        counter_reception_over_the_api_is_idempotent,
        dossier_lifecycle_over_http,
        officer_pages_receive_and_act,
        public_status_lookup_shows_no_personal_data,
        postal_reception_over_the_api,
    );
}

mod dossier_work_cases {
    use super::dossier_work;
    motcua_testkit::dual_test!(dossier_work:
        accepted_processed_returned_through_the_workflow,
        refused_and_withdrawn,
        supplement_moves_the_due_date_by_the_paused_working_time,
        late_dossier_with_apology,
        transfer_between_agencies_and_consultation,
        unchecked_submission_surfaces_to_leaders,
        inbox_pages_by_keyset_and_register,
    );
}

mod dossier_forms_cases {
    use super::dossier_forms;
    motcua_testkit::dual_test!(dossier_forms:
        forms_are_listed_rendered_and_reproducible,
        register_of_a_period_as_pdf,
    );
}

mod citizen;
mod filing_limits;
mod organisation;
mod representation;

mod drafts;

mod drafts_cases {
    use super::drafts;
    motcua_testkit::dual_test!(drafts:
        drafts_are_saved_restored_and_deleted_on_filing,
        postal_reception_records_the_item_number,
    );
}

mod citizen_cases {
    use super::citizen;
    motcua_testkit::dual_test!(citizen:
        citizen_logs_in_files_online_and_sees_my_dossiers,
        wrong_state_low_level_and_other_citizens_dossiers_are_refused,
    );
}

mod document_cases {
    use super::documents;
    motcua_testkit::dual_test!(documents: files_results_and_verification_over_http);
}

mod access_matrix_cases {
    use super::access_matrix;
    motcua_testkit::dual_test!(access_matrix: every_role_endpoint_and_scope_is_decided_as_written);
}

mod openapi_routes_cases {
    use super::openapi_routes;
    motcua_testkit::dual_test!(openapi_routes: every_api_route_is_documented_and_served);
}

mod audit_cases {
    use super::audit;
    motcua_testkit::dual_test!(audit: auditors_read_the_trail_of_their_subtree_only);
}

mod totp_cases {
    use super::totp;
    motcua_testkit::dual_test!(totp: enrol_then_log_in_with_a_code);
}

mod organisation_cases {
    use super::organisation;
    motcua_testkit::dual_test!(organisation: an_organisation_files_and_lists_its_dossiers);
}

mod representation_cases {
    use super::representation;
    motcua_testkit::dual_test!(representation:
        a_parent_files_for_a_child_through_the_api_and_pages,
        a_parent_has_the_form_prefilled_with_their_childs_data_and_files_it,
        the_child_opens_the_dossier_filed_for_them_read_only,
    );
}

mod security_cases {
    use super::security;
    motcua_testkit::dual_test!(security:
        control_and_invisible_characters_are_refused_at_the_edge,
        the_verification_page_reads_a_bounded_code,
        the_client_behind_a_trusted_proxy_is_counted_not_the_proxy,
        hsts_is_sent_when_cookies_are_secure,
        page_sizes_outside_their_bounds_are_refused_not_clamped,
    );
}

mod filing_limit_cases {
    use super::filing_limits;
    motcua_testkit::dual_test!(filing_limits: past_the_daily_limit_the_api_says_429_and_the_page_explains);
}
