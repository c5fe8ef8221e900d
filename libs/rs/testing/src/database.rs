//! A database per test, cloned from a migrated template (the crates.io test-db pattern).
//!
//! The first test that asks for a set of [`Migrations`] builds its template under a PostgreSQL
//! advisory lock (so concurrent tests and test processes build it once), under a temporary name
//! renamed into place only when every statement ran (a half-built template is never used).
//! Each test then gets `CREATE DATABASE ... TEMPLATE ...`: a full copy in milliseconds, isolated
//! from every other test, dropped when the [`TestDatabase`] is dropped.

use std::hash::{DefaultHasher, Hash, Hasher};

use tokio_postgres::{Client, NoTls};

use crate::backends::{Backend, url};

/// The schema a test database starts from: SQL statements run in order, once per template.
#[derive(Debug, Clone)]
pub struct Migrations {
    name: String,
    statements: Vec<String>,
}

impl Migrations {
    /// `name` names the template (letters, digits, `_`); `statements` build the schema.
    pub fn new(name: &str, statements: &[&str]) -> Self {
        assert!(
            !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
            "a migrations name is letters, digits and _ only: {name:?}"
        );
        Self {
            name: name.to_ascii_lowercase(),
            statements: statements.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    fn digest(&self) -> u64 {
        let mut hasher = DefaultHasher::new();
        self.name.hash(&mut hasher);
        self.statements.hash(&mut hasher);
        hasher.finish()
    }

    /// The template's name: changes whenever a statement does, so edits never reuse a stale one.
    pub fn template_name(&self) -> String {
        format!("edu_tpl_{}_{:016x}", self.name, self.digest())
    }
}

/// One test's own database.
#[derive(Debug)]
pub struct TestDatabase {
    pub name: String,
    /// A libpq URL (`postgresql://...`) of this database.
    pub url: String,
    admin_url: String,
}

/// `postgresql+asyncpg://u@h:p/db` (SQLAlchemy's form) -> `postgresql://u@h:p/db`.
pub fn libpq_url(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => {
            format!("{}://{rest}", scheme.split('+').next().unwrap_or(scheme))
        }
        None => url.to_owned(),
    }
}

/// The same server URL pointing at another database.
pub fn with_database(url: &str, database: &str) -> String {
    let url = libpq_url(url);
    let (base, query) = url
        .split_once('?')
        .map_or((url.as_str(), None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let server = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{server}/{database}?{query}"),
        None => format!("{server}/{database}"),
    }
}

async fn connect(url: &str) -> Client {
    let (client, connection) = tokio_postgres::connect(url, NoTls)
        .await
        .unwrap_or_else(|error| panic!("cannot connect to PostgreSQL at {url}: {error}"));
    tokio::spawn(async move {
        let _ = connection.await;
    });
    client
}

fn quoted(identifier: &str) -> String {
    format!("\"{}\"", identifier.replace('"', "\"\""))
}

impl TestDatabase {
    /// A fresh database with `migrations` applied, on the run's PostgreSQL.
    pub async fn create(migrations: &Migrations) -> Self {
        Self::create_on(&url(Backend::Postgres), migrations).await
    }

    /// The same, on the server at `server_url`.
    pub async fn create_on(server_url: &str, migrations: &Migrations) -> Self {
        let admin_url = libpq_url(server_url);
        let admin = connect(&admin_url).await;
        let template = migrations.template_name();
        ensure_template(&admin, &admin_url, &template, migrations).await;
        let name = format!("edu_t_{}", uuid::Uuid::new_v4().simple());
        admin
            .batch_execute(&format!(
                "CREATE DATABASE {} TEMPLATE {}",
                quoted(&name),
                quoted(&template)
            ))
            .await
            .unwrap_or_else(|error| panic!("cannot clone {template}: {error}"));
        Self {
            url: with_database(&admin_url, &name),
            name,
            admin_url,
        }
    }

    /// A new connection to this test's database.
    pub async fn client(&self) -> Client {
        connect(&self.url).await
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
        // Drop may run inside a runtime that is shutting down: use a thread with its own.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            runtime.block_on(async {
                let (client, connection) = tokio_postgres::connect(&admin_url, NoTls).await.ok()?;
                tokio::spawn(connection);
                client
                    .batch_execute(&format!(
                        "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                        quoted(&name)
                    ))
                    .await
                    .ok()
            })
        });
        let _ = dropped.join();
    }
}

async fn database_exists(admin: &Client, name: &str) -> bool {
    admin
        .query_opt("SELECT 1 FROM pg_database WHERE datname = $1", &[&name])
        .await
        .expect("cannot read pg_database")
        .is_some()
}

async fn ensure_template(admin: &Client, admin_url: &str, template: &str, migrations: &Migrations) {
    let lock_key = i64::from_ne_bytes(migrations.digest().to_ne_bytes());
    admin
        .execute("SELECT pg_advisory_lock($1)", &[&lock_key])
        .await
        .expect("cannot take the template lock");
    if !database_exists(admin, template).await {
        let building = format!(
            "{template}_b{}",
            &uuid::Uuid::new_v4().simple().to_string()[..8]
        );
        admin
            .batch_execute(&format!("CREATE DATABASE {}", quoted(&building)))
            .await
            .expect("cannot create the template database");
        {
            let client = connect(&with_database(admin_url, &building)).await;
            for (index, statement) in migrations.statements.iter().enumerate() {
                if let Err(error) = client.batch_execute(statement).await {
                    panic!(
                        "migration {} of {:?} failed: {error}\n{statement}",
                        index + 1,
                        migrations.name
                    );
                }
            }
        }
        // The building connection is closed once its client is dropped and the server sees
        // it; WITH (FORCE) on a rename is not a thing, so wait until nobody is connected.
        wait_until_unused(admin, &building).await;
        admin
            .batch_execute(&format!(
                "ALTER DATABASE {} RENAME TO {}; ALTER DATABASE {} WITH IS_TEMPLATE true",
                quoted(&building),
                quoted(template),
                quoted(template)
            ))
            .await
            .expect("cannot publish the template");
    }
    admin
        .execute("SELECT pg_advisory_unlock($1)", &[&lock_key])
        .await
        .expect("cannot release the template lock");
}

async fn wait_until_unused(admin: &Client, database: &str) {
    for _ in 0..200 {
        let row = admin
            .query_one(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = $1",
                &[&database],
            )
            .await
            .expect("cannot read pg_stat_activity");
        if row.get::<_, i64>(0) == 0 {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("{database} still has connections after 2 s");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_lose_the_driver_and_point_at_another_database() {
        assert_eq!(
            libpq_url("postgresql+asyncpg://postgres@127.0.0.1:5433/postgres"),
            "postgresql://postgres@127.0.0.1:5433/postgres"
        );
        assert_eq!(
            with_database(
                "postgresql+asyncpg://postgres@127.0.0.1:5433/postgres",
                "t1"
            ),
            "postgresql://postgres@127.0.0.1:5433/t1"
        );
        assert_eq!(
            with_database("postgresql://u:p@h:1?sslmode=disable", "t2"),
            "postgresql://u:p@h:1/t2?sslmode=disable"
        );
    }

    #[test]
    fn a_changed_statement_names_a_new_template() {
        let one = Migrations::new("course", &["CREATE TABLE a (id int)"]);
        let two = Migrations::new("course", &["CREATE TABLE a (id bigint)"]);
        assert_ne!(one.template_name(), two.template_name());
        assert_eq!(
            one.template_name(),
            Migrations::new("course", &["CREATE TABLE a (id int)"]).template_name()
        );
    }
}
