//! Both migration sets describe the same schema.

use motcua_testkit::TestDb;

#[tokio::test]
async fn sqlite_and_postgres_schemas_have_the_same_columns() {
    let sqlite = TestDb::sqlite().await;
    let Some(postgres) = TestDb::postgres().await else { return };
    let left = sqlite.db().columns().await.unwrap();
    let right = postgres.db().columns().await.unwrap();
    assert!(left.len() > 40, "the inventory is not empty: {left:?}");
    assert_eq!(left, right);
    sqlite.finish().await;
    postgres.finish().await;
}
