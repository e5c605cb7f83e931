-- Organisation accounts (tài khoản định danh điện tử của tổ chức, NĐ 69/2024): a session opened with an
-- organisation's account carries its tax code and name; the person logged in stays in id_number.
alter table citizen_sessions add column org_tax_code text;
alter table citizen_sessions add column org_name text;

-- "the organisation's dossiers": dossiers whose applicant is the organisation, by tax code, newest first.
create index dossiers_applicant_organisation on dossiers ((applicant -> 'organisation' ->> 'tax_code'), created_at);
