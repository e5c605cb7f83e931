//! HTTP behaviour of the whole router, each case on SQLite and on PostgreSQL.

mod cases;
mod catalogue;
mod dossiers;

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
    );
}
