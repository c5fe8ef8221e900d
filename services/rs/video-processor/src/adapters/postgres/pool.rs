//! A fixed number of connections, each made on first use and made again once it closed (the
//! database restarted): the service starts and answers `/ready` 503 while PostgreSQL is down.
//! A request takes a free connection, or waits for the next one in turn.

use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::{Mutex, MutexGuard};
use tokio_postgres::{Client, NoTls};

use crate::app::ports::RepoError;

#[derive(Debug)]
pub struct PgPool {
    url: String,
    slots: Vec<Mutex<Option<Client>>>,
    next: AtomicUsize,
}

/// A connection held until dropped.
#[derive(Debug)]
pub struct Connection<'a>(MutexGuard<'a, Option<Client>>);

impl Connection<'_> {
    pub fn client(&mut self) -> &mut Client {
        self.0
            .as_mut()
            .unwrap_or_else(|| unreachable!("a connection is only handed out once connected"))
    }
}

/// `postgresql+asyncpg://…` (what the stacks pass every service) -> `postgresql://…`.
pub(super) fn libpq_url(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => format!("{}://{rest}", scheme.split('+').next().unwrap_or(scheme)),
        None => url.to_owned(),
    }
}

impl PgPool {
    pub fn new(url: &str, size: usize) -> Self {
        Self {
            url: libpq_url(url),
            slots: (0..size.max(1)).map(|_| Mutex::new(None)).collect(),
            next: AtomicUsize::new(0),
        }
    }

    pub async fn get(&self) -> Result<Connection<'_>, RepoError> {
        let free = self.slots.iter().find_map(|slot| slot.try_lock().ok());
        let guard = if let Some(guard) = free {
            guard
        } else {
            let turn = self.next.fetch_add(1, Ordering::Relaxed) % self.slots.len();
            self.slots[turn].lock().await
        };
        self.connected(guard).await
    }

    async fn connected<'a>(
        &self,
        mut guard: MutexGuard<'a, Option<Client>>,
    ) -> Result<Connection<'a>, RepoError> {
        if guard.as_ref().is_none_or(Client::is_closed) {
            let (client, connection) = tokio_postgres::connect(&self.url, NoTls)
                .await
                .map_err(|e| RepoError::Unavailable(e.to_string()))?;
            tokio::spawn(async move {
                if let Err(error) = connection.await {
                    tracing::warn!(%error, "a database connection ended");
                }
            });
            *guard = Some(client);
        }
        Ok(Connection(guard))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_driver_is_dropped_from_sqlalchemy_urls() {
        assert_eq!(
            libpq_url("postgresql+asyncpg://postgres@127.0.0.1:5433/video"),
            "postgresql://postgres@127.0.0.1:5433/video"
        );
        assert_eq!(libpq_url("postgresql://h/p"), "postgresql://h/p");
    }
}
