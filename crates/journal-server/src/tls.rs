//! HTTPS for `journal-server serve --tls-cert FILE --tls-key FILE` (a region server reached over
//! the internet; plain HTTP stays the default for a server on the school network and the demo).
//!
//! rustls with the *ring* provider, given explicitly (no process default, no aws-lc-rs build).
//! [`TlsListener`] is an axum [`Listener`]: TCP connections are accepted and their TLS handshakes
//! run on tasks of their own (with a time limit), so a slow or stalled client never holds up the
//! others; finished handshakes are handed to `axum::serve`, which serves them like plain TCP.

use axum::serve::Listener;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::rustls::{self, ServerConfig};
use tokio_rustls::server::TlsStream;
use tokio_rustls::TlsAcceptor;

/// How long a client may take over its TLS handshake.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// Finished handshakes waiting for the server to take them.
const ACCEPTED_QUEUE: usize = 64;

/// Makes *ring* the process's default rustls provider, unless one is installed already. A
/// reqwest client needs it whenever the build also holds journal-api, whose reqwest TLS comes
/// without a provider (`rustls-no-provider`, features are shared across a workspace build):
/// tests and benchmarks call this before making their HTTP clients.
pub fn install_ring_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// Why the certificate and key could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum TlsSetupError {
    #[error("Не удалось прочитать сертификат сервера «{path}»: {reason}")]
    Certificate { path: PathBuf, reason: String },
    #[error("Не удалось прочитать закрытый ключ сервера «{path}»: {reason}")]
    PrivateKey { path: PathBuf, reason: String },
    #[error("Сертификат и закрытый ключ сервера не подходят друг к другу: {0}")]
    Mismatch(String),
}

impl TlsSetupError {
    pub fn code(&self) -> &'static str {
        match self {
            TlsSetupError::Certificate { .. } => "tls_certificate_invalid",
            TlsSetupError::PrivateKey { .. } => "tls_key_invalid",
            TlsSetupError::Mismatch(_) => "tls_key_mismatch",
        }
    }
}

/// The server's TLS configuration from a PEM certificate chain (the server's certificate first)
/// and its PEM private key.
pub fn server_config(cert: &Path, key: &Path) -> Result<Arc<ServerConfig>, TlsSetupError> {
    let cert_error = |reason: String| TlsSetupError::Certificate {
        path: cert.to_path_buf(),
        reason,
    };
    let chain = CertificateDer::pem_file_iter(cert)
        .map_err(|e| cert_error(e.to_string()))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| cert_error(e.to_string()))?;
    if chain.is_empty() {
        return Err(cert_error("в файле нет сертификата (PEM)".into()));
    }
    let private_key = PrivateKeyDer::from_pem_file(key).map_err(|e| TlsSetupError::PrivateKey {
        path: key.to_path_buf(),
        reason: e.to_string(),
    })?;
    let config =
        ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .map_err(|e| TlsSetupError::Mismatch(e.to_string()))?
            .with_no_client_auth()
            .with_single_cert(chain, private_key)
            .map_err(|e| TlsSetupError::Mismatch(e.to_string()))?;
    Ok(Arc::new(config))
}

/// A TCP listener that hands out connections after their TLS handshake (see the module docs).
pub struct TlsListener {
    accepted: mpsc::Receiver<(TlsStream<TcpStream>, SocketAddr)>,
    local_addr: SocketAddr,
    acceptor_task: tokio::task::JoinHandle<()>,
}

impl TlsListener {
    /// Starts accepting on `tcp` with `config`. Must be called inside a tokio runtime.
    pub fn new(tcp: TcpListener, config: Arc<ServerConfig>) -> std::io::Result<TlsListener> {
        let local_addr = tcp.local_addr()?;
        let (tx, accepted) = mpsc::channel(ACCEPTED_QUEUE);
        let acceptor = TlsAcceptor::from(config);
        let acceptor_task = tokio::spawn(async move {
            loop {
                let (stream, peer) = match tcp.accept().await {
                    Ok(c) => c,
                    Err(e) => {
                        // Out of file descriptors and the like: wait, then go on accepting.
                        tracing::warn!(error = %e, "не удалось принять соединение");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let acceptor = acceptor.clone();
                let tx = tx.clone();
                tokio::spawn(async move {
                    match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await {
                        Ok(Ok(tls)) => {
                            let _ = tx.send((tls, peer)).await;
                        }
                        Ok(Err(e)) => {
                            tracing::debug!(%peer, error = %e, "TLS-соединение не установлено")
                        }
                        Err(_) => tracing::debug!(%peer, "TLS-рукопожатие не завершено вовремя"),
                    }
                });
            }
        });
        Ok(TlsListener {
            accepted,
            local_addr,
            acceptor_task,
        })
    }
}

impl Drop for TlsListener {
    fn drop(&mut self) {
        // The server stopped: stop accepting too (the task holds the port).
        self.acceptor_task.abort();
    }
}

impl Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.accepted.recv().await {
            Some(connection) => connection,
            // The acceptor task never ends while the listener lives (it holds a sender).
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        Ok(self.local_addr)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_or_wrong_certificate_is_a_named_error() {
        let dir = tempfile::tempdir().expect("temp dir");
        let cert = dir.path().join("cert.pem");
        let key = dir.path().join("key.pem");
        let err = server_config(&cert, &key).expect_err("no files");
        assert_eq!(
            err.code(),
            "tls_certificate_invalid",
            "a missing certificate is named: {err}"
        );
        std::fs::write(&cert, "не сертификат").expect("writes");
        let err = server_config(&cert, &key).expect_err("no certificate in the file");
        assert_eq!(
            err.code(),
            "tls_certificate_invalid",
            "a file without a PEM certificate is refused: {err}"
        );
        assert!(
            err.to_string().contains("cert.pem"),
            "the message names the file: {err}"
        );
    }
}
