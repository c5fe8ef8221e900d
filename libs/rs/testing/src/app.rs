//! A service under test, served for real on 127.0.0.1 and a free port.

use std::net::SocketAddr;
use std::time::Duration;

use edu_common::shutdown::{Shutdown, serve};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// A running router; [`TestApp::stop`] drains it (dropping it stops it too).
#[derive(Debug)]
pub struct TestApp {
    pub address: SocketAddr,
    shutdown: Shutdown,
    server: Option<JoinHandle<std::io::Result<bool>>>,
}

impl TestApp {
    /// `http://127.0.0.1:PORT` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    /// Stops accepting, drains in-flight requests (5 s at most) and waits for the server.
    pub async fn stop(mut self) {
        self.shutdown.trigger();
        if let Some(server) = self.server.take() {
            let drained = server.await.expect("the server task panicked");
            assert!(
                drained.expect("the server failed"),
                "requests did not drain within 5 s"
            );
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.shutdown.trigger();
    }
}

/// Serves `router` on 127.0.0.1:0 until the returned app is stopped or dropped.
pub async fn spawn_app(router: axum::Router) -> TestApp {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("cannot bind 127.0.0.1:0");
    let address = listener
        .local_addr()
        .expect("a bound listener has an address");
    let shutdown = Shutdown::new();
    let server = tokio::spawn(serve(
        listener,
        router,
        shutdown.clone(),
        Duration::from_secs(5),
    ));
    TestApp {
        address,
        shutdown,
        server: Some(server),
    }
}
