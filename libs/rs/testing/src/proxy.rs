//! A TCP proxy to a backend that a test can cut (every connection closed, new ones dropped)
//! and restore: "NATS is down" (or PostgreSQL, Redis) for the service under test only, while
//! the run's server keeps serving everyone else.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use tokio::net::{TcpListener, TcpStream};
use tokio::task::AbortHandle;

#[derive(Debug)]
pub struct TcpProxy {
    /// `127.0.0.1:<port>` the proxy listens on.
    pub address: String,
    down: Arc<AtomicBool>,
    connections: Arc<Mutex<Vec<AbortHandle>>>,
    accepting: AbortHandle,
}

impl TcpProxy {
    /// A proxy to `upstream` (`host:port`).
    pub async fn start(upstream: &str) -> Self {
        let upstream = upstream.to_owned();
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a free port on 127.0.0.1");
        let address = listener
            .local_addr()
            .expect("a bound listener has an address");
        let down = Arc::new(AtomicBool::new(false));
        let connections: Arc<Mutex<Vec<AbortHandle>>> = Arc::default();
        let (flag, kept) = (down.clone(), connections.clone());
        let accepting = tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                if flag.load(Ordering::SeqCst) {
                    continue;
                }
                let upstream = upstream.clone();
                let task = tokio::spawn(async move {
                    if let Ok(mut server) = TcpStream::connect(upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
                kept.lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .push(task.abort_handle());
            }
        })
        .abort_handle();
        Self {
            address: address.to_string(),
            down,
            connections,
            accepting,
        }
    }

    /// Closes every connection and drops new ones until [`TcpProxy::restore`].
    pub fn cut(&self) {
        self.down.store(true, Ordering::SeqCst);
        for connection in self
            .connections
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .drain(..)
        {
            connection.abort();
        }
    }

    pub fn restore(&self) {
        self.down.store(false, Ordering::SeqCst);
    }
}

impl Drop for TcpProxy {
    fn drop(&mut self) {
        self.cut();
        self.accepting.abort();
    }
}
