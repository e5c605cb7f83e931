//! Filing for another person (issue 6 §3): a parent for their child, verified in the population registry over real
//! HTTP and logged with its purpose; a non-parent refused; an authorised representative without the authorisation
//! paper refused with `representation_not_recorded`; the child's lookups visible to the child.

use chrono::{TimeZone, Utc};
use motcua_app::dossiers::online::OnlineFiling;
use motcua_app::dossiers::representation::{OnBehalfOf, PURPOSE_PREFILL_SUBJECT, PURPOSE_VERIFY_PARENT};
use motcua_app::identity::CitizenSession;
use motcua_app::record::Ctx;
use motcua_app::{App, ErrorCode};
use motcua_domain::access::Principal;
use motcua_domain::catalogue::Assurance;
use motcua_domain::representation::RepresentationKind;
use motcua_storage::{Db, events};

use super::population::{demo, intact, rows};

const PROCEDURE: &str = "1.001570";

fn session(id_number: &str, name: &str) -> (CitizenSession, Ctx) {
    let session = CitizenSession {
        id_number: id_number.into(),
        full_name: name.into(),
        birth_date: None,
        assurance: Assurance::L2,
        expires_at: Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap(),
        organisation: None,
    };
    let ctx = Ctx::new(session.principal(), Some("req-rep".into()));
    (session, ctx)
}

async fn filing(app: &App, filer: &str, on_behalf_of: Option<OnBehalfOf>) -> OnlineFiling {
    let p = app.procedure(&Principal::Anonymous, PROCEDURE, None).await.unwrap().procedure;
    let form = motcua_app::demo::sample_form_values(p.form_for(None).unwrap(), filer, "p48", "c20410");
    OnlineFiling {
        procedure: PROCEDURE.into(),
        unit: Some("c20410".into()),
        form,
        components: p.components.iter().filter(|c| c.mandatory).map(|c| c.key.clone()).collect(),
        phone: Some("0905123456".into()),
        on_behalf_of,
        ..OnlineFiling::default()
    }
}

fn claim(kind: &str, subject: &str, paper: Option<&str>) -> OnBehalfOf {
    OnBehalfOf {
        kind: kind.into(),
        subject_id_number: subject.into(),
        subject_name: None,
        paper_component: paper.map(str::to_owned),
    }
}

async fn refusals(app: &App, citizen: &str) -> Vec<serde_json::Value> {
    let mut tx = app.db().read().await.unwrap();
    let found = events::of_subject(&mut tx, "citizen", citizen).await.unwrap();
    tx.commit().await.unwrap();
    found.into_iter().filter(|e| e.action == "dossier.representation_refused").map(|e| e.payload.0).collect()
}

pub async fn a_parent_files_for_their_child_verified_and_logged(db: Db) {
    let (app, registry) = demo(db).await;
    let child = (0..500)
        .filter_map(|i| registry.population().person(i))
        .find(|c| c.father.as_ref().and_then(|f| f.id_number.as_ref()).is_some())
        .expect("a citizen whose father has an ID number");
    let father_id = child.father.as_ref().unwrap().id_number.clone().unwrap();
    let child_id = child.id_number.to_string();
    let (father, father_ctx) = session(&father_id, "Cha Thử");

    let form = filing(&app, &father_id, Some(claim("parent", &child_id, None))).await;
    let d = app.file_online(&father_ctx, &father, form, None).await.unwrap();
    // The father files (his "Hồ sơ của tôi"); the child is recorded as the subject with the registry's name.
    assert_eq!(d.applicant.id_number, father_id);
    let listed: Vec<_> = app.citizen_dossiers(&father_ctx).await.unwrap().into_iter().map(|d| d.id).collect();
    assert_eq!(listed, [d.id]);
    let rep = app.dossier_representation(&father_ctx.principal, d.id).await.unwrap().expect("recorded");
    assert_eq!(rep.kind, RepresentationKind::Parent);
    assert_eq!(
        (rep.representative_id_number.as_str(), rep.subject_id_number.as_str()),
        (father_id.as_str(), child_id.as_str())
    );
    assert_eq!(rep.subject_name.as_deref(), Some(child.full_name().as_str()));

    // The verification is in the lookup log: the child's record, its purpose, the procedure, the father as actor;
    // and it is the representation's evidence.
    let logged = rows(&app).await;
    assert_eq!(logged.len(), 1);
    let row = &logged[0];
    assert_eq!((row.subject_id_number.as_str(), row.purpose.as_str()), (child_id.as_str(), PURPOSE_VERIFY_PARENT));
    assert_eq!((row.actor_kind.as_str(), row.actor_id.as_deref()), ("citizen", Some(father_id.as_str())));
    assert_eq!(row.procedure_code.as_deref(), Some(PROCEDURE));
    assert_eq!(row.result, "found");
    assert_eq!(rep.evidence_lookup_id, Some(row.id));
    intact(&app).await;

    // The child sees who looked them up and why.
    let (_, child_ctx) = session(&child_id, "Con Thử");
    let seen = app.my_lookups(&child_ctx).await.unwrap();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].purpose, PURPOSE_VERIFY_PARENT);
    assert_eq!(seen[0].actor_id.as_deref(), Some(father_id.as_str()));

    // Prefill with the child's data, only after the relation is verified again (two more lookups of the child,
    // each with its purpose); the login's own number is not filled in for the child.
    let prefill = app.prefill_for_subject(&father_ctx, &father, "1.001193", &claim("parent", &child_id, None)).await;
    let prefill = prefill.unwrap();
    assert!(!prefill.declared, "{prefill:?}");
    assert_eq!(prefill.value("ho_ten_nguoi_yeu_cau"), Some(child.full_name().as_str()));
    assert!(prefill.fields.iter().all(|f| f.source != "identity.id_number"));
    let logged = rows(&app).await;
    let purposes: Vec<_> = logged.iter().map(|r| (r.purpose.as_str(), r.subject_id_number.as_str())).collect();
    assert_eq!(
        purposes,
        [
            (PURPOSE_VERIFY_PARENT, child_id.as_str()),
            (PURPOSE_VERIFY_PARENT, child_id.as_str()),
            (PURPOSE_PREFILL_SUBJECT, child_id.as_str())
        ]
    );
    assert_eq!(logged[2].actor_id.as_deref(), Some(father_id.as_str()));
    assert_eq!(app.my_lookups(&child_ctx).await.unwrap().len(), 3);
    // A paper-based claim cannot be verified before filing: no prefill, no lookup.
    let refused = app
        .prefill_for_subject(&father_ctx, &father, "1.001193", &claim("authorised", &child_id, Some("x")))
        .await
        .unwrap_err();
    assert_eq!(refused.error_code(), ErrorCode::RepresentationNotVerified);
    assert_eq!(rows(&app).await.len(), 3);

    // The representation is an event of the dossier, in its timeline's transaction.
    let mut tx = app.db().read().await.unwrap();
    let recorded = events::of_subject(&mut tx, "dossier", &d.id.to_string()).await.unwrap();
    tx.commit().await.unwrap();
    assert!(recorded.iter().any(|e| e.action == "dossier.representation_recorded"));
    // An officer of the competent unit sees the representation too; another citizen does not see the dossier.
    let officer = app.dossier_representation(&Principal::System, d.id).await.unwrap();
    assert_eq!(officer.map(|r| r.subject_id_number), Some(child_id.clone()));
    assert_eq!(
        app.dossier_representation(&child_ctx.principal, d.id).await.unwrap_err().error_code(),
        ErrorCode::NotFound
    );
}

pub async fn a_non_parent_is_refused_and_the_refusal_recorded(db: Db) {
    let (app, registry) = demo(db).await;
    let people: Vec<_> = (0..200).filter_map(|i| registry.population().person(i)).collect();
    let child = people.iter().find(|c| c.father.is_some() || c.mother.is_some()).unwrap();
    let parents: Vec<String> =
        [&child.father, &child.mother].into_iter().flatten().filter_map(|r| r.id_number.clone()).collect();
    let stranger =
        people.iter().find(|p| p.id_number != child.id_number && !parents.contains(&p.id_number.to_string())).unwrap();
    let stranger_id = stranger.id_number.to_string();
    let (s, ctx) = session(&stranger_id, "Người Lạ");

    let form = filing(&app, &stranger_id, Some(claim("parent", child.id_number.as_str(), None))).await;
    let refused = app.file_online(&ctx, &s, form, None).await.unwrap_err();
    assert_eq!(refused.error_code(), ErrorCode::RepresentationNotVerified);
    assert!(refused.message_vi().contains("cha hoặc mẹ"), "{}", refused.message_vi());
    // Nothing filed; the lookup that showed it is logged; the refusal is an event on the filer.
    assert!(app.citizen_dossiers(&ctx).await.unwrap().is_empty());
    let logged = rows(&app).await;
    assert_eq!(logged.len(), 1);
    assert_eq!(logged[0].purpose, PURPOSE_VERIFY_PARENT);
    let refused = refusals(&app, &stranger_id).await;
    assert_eq!(refused.len(), 1);
    assert_eq!(refused[0]["code"], "representation_not_verified");
    assert_eq!(refused[0]["subject_id_number"], child.id_number.as_str());
    // Nor may they have the child's data prefilled: refused after the (logged) check, no prefill lookup.
    let prefill = app.prefill_for_subject(&ctx, &s, "1.001193", &claim("parent", child.id_number.as_str(), None)).await;
    assert_eq!(prefill.unwrap_err().error_code(), ErrorCode::RepresentationNotVerified);
    let purposes: Vec<_> = rows(&app).await.into_iter().map(|r| r.purpose).collect();
    assert_eq!(purposes, [PURPOSE_VERIFY_PARENT, PURPOSE_VERIFY_PARENT]);
}

pub async fn a_representative_without_a_recorded_relationship_is_refused(db: Db) {
    let (app, registry) = demo(db).await;
    let subject = registry.population().person(11).unwrap().id_number.to_string();
    let me = "048203000001";
    let (s, ctx) = session(me, "Nguyễn Thị Dân");

    // Authorised, without the authorisation paper: refused, with a clear message, and recorded.
    let form = filing(&app, me, Some(claim("authorised", &subject, None))).await;
    let refused = app.file_online(&ctx, &s, form, None).await.unwrap_err();
    assert_eq!(refused.error_code(), ErrorCode::RepresentationNotRecorded);
    assert_eq!(refused.error_code().as_str(), "representation_not_recorded");
    assert!(refused.message_vi().contains("giấy ủy quyền"), "{}", refused.message_vi());
    // No kind at all, or a paper that is not among the components: refused the same way.
    let form = filing(&app, me, Some(claim("", &subject, None))).await;
    assert_eq!(
        app.file_online(&ctx, &s, form, None).await.unwrap_err().error_code(),
        ErrorCode::RepresentationNotRecorded
    );
    let form = filing(&app, me, Some(claim("guardian", &subject, Some("khong_co")))).await;
    assert_eq!(
        app.file_online(&ctx, &s, form, None).await.unwrap_err().error_code(),
        ErrorCode::RepresentationNotRecorded
    );
    // A malformed subject number is a field error, not a representation.
    let form = filing(&app, me, Some(claim("authorised", "12345", None))).await;
    assert_eq!(app.file_online(&ctx, &s, form, None).await.unwrap_err().error_code(), ErrorCode::InvalidInput);
    assert!(app.citizen_dossiers(&ctx).await.unwrap().is_empty(), "nothing filed");
    assert_eq!(refusals(&app, me).await.len(), 3);
    assert!(rows(&app).await.is_empty(), "no registry lookup for a paper-based claim");

    // With the authorisation paper among the components: filed and recorded with that evidence.
    let mut form = filing(&app, me, None).await;
    let paper = form.components[0].clone();
    form.on_behalf_of = Some(OnBehalfOf {
        subject_name: Some("Người Ủy Quyền".into()),
        ..claim("authorised", &subject, Some(&paper))
    });
    let d = app.file_online(&ctx, &s, form, Some("rep-1".into())).await.unwrap();
    let rep = app.dossier_representation(&ctx.principal, d.id).await.unwrap().unwrap();
    assert_eq!(rep.kind, RepresentationKind::Authorised);
    assert_eq!(rep.evidence_component.as_deref(), Some(paper.as_str()));
    assert_eq!(
        (rep.subject_id_number.as_str(), rep.subject_name.as_deref()),
        (subject.as_str(), Some("Người Ủy Quyền"))
    );
    assert_eq!(rep.evidence_lookup_id, None);
    // A plain filing by the same citizen records no representation.
    let own = app.file_online(&ctx, &s, filing(&app, me, None).await, None).await.unwrap();
    assert_eq!(app.dossier_representation(&ctx.principal, own.id).await.unwrap(), None);
}

pub async fn the_subject_reads_a_dossier_filed_for_them_and_cannot_act_on_it(db: Db) {
    let (app, registry) = demo(db).await;
    let child = (0..500)
        .filter_map(|i| registry.population().person(i))
        .find(|c| c.father.as_ref().and_then(|f| f.id_number.as_ref()).is_some())
        .expect("a citizen whose father has an ID number");
    let father_id = child.father.as_ref().unwrap().id_number.clone().unwrap();
    let child_id = child.id_number.to_string();
    let (father, father_ctx) = session(&father_id, "Cha Thử");
    let form = filing(&app, &father_id, Some(claim("parent", &child_id, None))).await;
    let d = app.file_online(&father_ctx, &father, form, None).await.unwrap();
    let own = app.file_online(&father_ctx, &father, filing(&app, &father_id, None).await, None).await.unwrap();

    // The child lists it among the dossiers filed for them (not their own father's plain dossier), with who filed
    // and on what footing; the filer's contact details and the receipt's lookup PIN are not theirs to see.
    let (_, child_ctx) = session(&child_id, "Con Thử");
    let listed = app.dossiers_filed_for_me(&child_ctx).await.unwrap();
    assert_eq!(listed.iter().map(|f| f.dossier.id).collect::<Vec<_>>(), [d.id]);
    let seen = &listed[0];
    assert_eq!(seen.representation.kind, RepresentationKind::Parent);
    assert_eq!(seen.representation.representative_id_number, father_id);
    assert_eq!(seen.dossier.applicant.id_number, father_id);
    assert_eq!((seen.dossier.applicant.phone.as_deref(), seen.dossier.lookup_pin.as_str()), (None, ""));
    assert!(app.citizen_dossiers(&child_ctx).await.unwrap().is_empty(), "not the applicant's list");

    // One dossier with its status and timeline.
    let (one, timeline) = app.dossier_filed_for_me(&child_ctx.principal, d.id).await.unwrap();
    assert_eq!((one.dossier.id, one.dossier.status), (d.id, d.status));
    assert!(timeline.iter().any(|e| e.action == Some(motcua_domain::dossier::Action::Submit)), "{timeline:?}");
    // Only that one: the father's own dossier, and any dossier for the father himself, are not found.
    let not_theirs = app.dossier_filed_for_me(&child_ctx.principal, own.id).await.unwrap_err();
    assert_eq!(not_theirs.error_code(), ErrorCode::NotFound);
    assert_eq!(
        app.dossier_filed_for_me(&father_ctx.principal, d.id).await.unwrap_err().error_code(),
        ErrorCode::NotFound
    );
    assert!(app.dossiers_filed_for_me(&father_ctx).await.unwrap().is_empty());
    let (_, stranger) = session("048203000001", "Người Lạ");
    assert_eq!(
        app.dossier_filed_for_me(&stranger.principal, d.id).await.unwrap_err().error_code(),
        ErrorCode::NotFound
    );
    assert!(app.dossiers_filed_for_me(&stranger).await.unwrap().is_empty());
    assert_eq!(
        app.dossiers_filed_for_me(&Ctx::new(Principal::Anonymous, None)).await.unwrap_err().error_code(),
        ErrorCode::Unauthenticated
    );

    // Read-only: every action of an applicant, and the applicant's own reads, refuse the subject as if the dossier
    // did not exist; nothing changes.
    for action in ["withdraw", "supplement", "resubmit_to_reception", "submit"] {
        let request = motcua_app::dossiers::ActionRequest::new(action, d.version);
        let refused = app.act_on_dossier(&child_ctx, d.id, request).await.unwrap_err();
        assert_eq!(refused.error_code(), ErrorCode::NotFound, "{action}");
    }
    let attach = app.attach_from_warehouse(&child_ctx, d.id, "tp1", uuid::Uuid::nil()).await.unwrap_err();
    assert_eq!(attach.error_code(), ErrorCode::NotFound);
    assert_eq!(app.dossier(&child_ctx.principal, d.id).await.unwrap_err().error_code(), ErrorCode::NotFound);
    assert_eq!(app.dossier_timeline(&child_ctx.principal, d.id).await.unwrap_err().error_code(), ErrorCode::NotFound);
    assert_eq!(app.dossier_files(&child_ctx.principal, d.id).await.unwrap_err().error_code(), ErrorCode::NotFound);
    assert_eq!(app.dossier_provenance(&child_ctx.principal, d.id).await.unwrap_err().error_code(), ErrorCode::NotFound);
    let unchanged = app.dossier(&father_ctx.principal, d.id).await.unwrap();
    assert_eq!((unchanged.status, unchanged.version), (d.status, d.version));

    // The applicant withdraws; the child sees the new status and the step in the timeline.
    let request = motcua_app::dossiers::ActionRequest::new("withdraw", d.version);
    app.act_on_dossier(&father_ctx, d.id, request).await.unwrap();
    let (after, timeline) = app.dossier_filed_for_me(&child_ctx.principal, d.id).await.unwrap();
    assert_eq!(after.dossier.status, motcua_domain::dossier::Status::Withdrawn);
    assert_eq!(timeline.last().and_then(|e| e.action), Some(motcua_domain::dossier::Action::Withdraw));
}
