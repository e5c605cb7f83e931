//! HTTP behaviour of the whole router, each case on SQLite and on PostgreSQL.

mod cases;

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
