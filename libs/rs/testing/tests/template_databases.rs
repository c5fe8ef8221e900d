//! Template databases against the run's real PostgreSQL: built once, cloned per test, isolated
//! under concurrency, dropped afterwards.

use edu_testing::backends::{Backend, url};
use edu_testing::database::libpq_url;
use edu_testing::{Migrations, TestDatabase};

fn schema() -> Migrations {
    Migrations::new(
        "testing_selftest",
        &[
            "CREATE TABLE notes (id serial PRIMARY KEY, owner text NOT NULL, body text NOT NULL)",
            "INSERT INTO notes (owner, body) VALUES ('template', 'seeded by the migration')",
        ],
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_tests_each_get_their_own_copy_of_the_migrated_template() {
    let tasks: Vec<_> = (0..8)
        .map(|worker| {
            tokio::spawn(async move {
                let database = TestDatabase::create(&schema()).await;
                let client = database.client().await;
                let me = format!("worker-{worker}");
                client
                    .execute(
                        "INSERT INTO notes (owner, body) VALUES ($1, 'mine')",
                        &[&me],
                    )
                    .await
                    .unwrap();
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                let owners: Vec<String> = client
                    .query("SELECT owner FROM notes ORDER BY id", &[])
                    .await
                    .unwrap()
                    .iter()
                    .map(|row| row.get(0))
                    .collect();
                (database.name.clone(), me, owners)
            })
        })
        .collect();
    let mut names = std::collections::HashSet::new();
    for task in tasks {
        let (name, me, owners) = task.await.unwrap();
        assert_eq!(
            owners,
            ["template".to_owned(), me],
            "another test's row leaked in"
        );
        assert!(names.insert(name), "two tests shared a database");
    }
}

#[tokio::test]
async fn a_dropped_test_database_is_gone_and_the_template_stays() {
    let database = TestDatabase::create(&schema()).await;
    let name = database.name.clone();
    drop(database);
    let (admin, connection) =
        tokio_postgres::connect(&libpq_url(&url(Backend::Postgres)), tokio_postgres::NoTls)
            .await
            .unwrap();
    tokio::spawn(connection);
    let exists = |db: String| {
        let admin = &admin;
        async move {
            admin
                .query_opt("SELECT 1 FROM pg_database WHERE datname = $1", &[&db])
                .await
                .unwrap()
                .is_some()
        }
    };
    assert!(!exists(name).await, "the test database was not dropped");
    assert!(
        exists(schema().template_name()).await,
        "the template went missing"
    );
}

#[tokio::test]
async fn a_failing_migration_names_the_statement() {
    let broken = Migrations::new(
        "testing_broken",
        &["CREATE TABLE ok (id int)", "CREATE TABLE"],
    );
    let outcome = tokio::spawn(async move { TestDatabase::create(&broken).await }).await;
    let panic = outcome.expect_err("a broken migration built a template");
    let message = panic
        .into_panic()
        .downcast::<String>()
        .map(|m| *m)
        .unwrap_or_default();
    assert!(
        message.contains("migration 2 of \"testing_broken\" failed"),
        "{message}"
    );
}
