//! The HTTP(S) client the sync uses: plain HTTP for a server on the school network, HTTPS for a
//! region server. TLS is rustls with the *ring* crypto provider (reqwest's `rustls-no-provider`:
//! its default provider, aws-lc-rs, needs a long C build with cmake). The server certificate is
//! checked against the system's roots plus, optionally, one extra CA certificate file (PEM) — an
//! institution's own CA, set at sign-in (`journal login --ca FILE`) and kept with the copy's
//! settings.

use crate::ApiError;
use std::path::Path;
use std::time::Duration;

/// Makes *ring* the process's rustls provider (reqwest takes the process default). Another
/// provider installed first (by the host app) stays: that is fine too.
fn install_ring_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// The certificates of a PEM file with one or more CA certificates.
fn read_ca_file(path: &Path) -> Result<Vec<reqwest::Certificate>, ApiError> {
    let bad = |why: String| {
        ApiError::new(
            "ca_file_invalid",
            format!(
                "Файл сертификата центра сертификации «{}» не подходит: {why}",
                path.display()
            ),
        )
    };
    let pem = std::fs::read(path).map_err(|e| bad(format!("не удалось прочитать ({e})")))?;
    let certs = reqwest::Certificate::from_pem_bundle(&pem)
        .map_err(|e| bad(format!("это не сертификат в формате PEM ({e})")))?;
    if certs.is_empty() {
        return Err(bad("в файле нет ни одного сертификата (PEM)".into()));
    }
    Ok(certs)
}

/// The blocking client for talking to the server; `ca_file` adds an institution's CA to the
/// system's roots.
pub(crate) fn client(ca_file: Option<&Path>) -> Result<reqwest::blocking::Client, ApiError> {
    install_ring_provider();
    let mut builder = reqwest::blocking::Client::builder()
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(120));
    if let Some(path) = ca_file {
        builder = builder.tls_certs_merge(read_ca_file(path)?);
    }
    builder
        .build()
        .map_err(|e| ApiError::new("http_client_failed", e.to_string()))
}

/// rustls's certificate error among the causes of a failed request, if the request failed
/// because the server's certificate was not trusted (or not valid for its address).
fn untrusted_certificate(e: &reqwest::Error) -> Option<&rustls::Error> {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(c) = cause {
        if let Some(tls) = c.downcast_ref::<rustls::Error>() {
            return matches!(
                tls,
                rustls::Error::InvalidCertificate(_) | rustls::Error::NoCertificatesPresented
            )
            .then_some(tls);
        }
        // io::Error's `source` skips the error it wraps (rustls's, inside one or two io::Errors).
        cause = match c
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            Some(inner) => Some(inner as &(dyn std::error::Error + 'static)),
            None => c.source(),
        };
    }
    None
}

/// The error of a request that got no answer: the server's certificate not trusted
/// (`tls_untrusted`), else no connection (`server_unreachable`). Either way nothing was sent.
pub(crate) fn request_failed(e: reqwest::Error) -> ApiError {
    if let Some(why) = untrusted_certificate(&e) {
        return ApiError::new(
            "tls_untrusted",
            format!("Сертификат сервера не подтверждён: соединение не установлено, данные не отправлены. Если сервер учреждения использует собственный центр сертификации, укажите его сертификат при входе (journal login --ca ФАЙЛ). Подробности: {why} ({e})"),
        );
    }
    ApiError::new(
        "server_unreachable",
        format!("Нет связи с сервером журнала: {}. Изменения сохранены на этом компьютере и будут отправлены при следующей синхронизации", no_answer_ru(&e)),
    )
}

/// Why a request got no answer, in the teacher's words (reqwest's own text is English).
fn no_answer_ru(e: &reqwest::Error) -> String {
    let server = e
        .url()
        .and_then(|u| {
            u.host_str()
                .map(|h| u.port().map_or(h.to_string(), |p| format!("{h}:{p}")))
        })
        .unwrap_or_else(|| "сервер".to_string());
    if e.is_timeout() {
        format!("{server} не ответил вовремя")
    } else if e.is_connect() {
        format!("не удалось подключиться к {server}")
    } else {
        format!("запрос к {server} оборвался")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ca_file_that_is_not_pem_is_refused_in_russian() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("ca.pem");
        std::fs::write(&path, "не сертификат").expect("writes");
        let err = client(Some(&path)).expect_err("no certificate in the file");
        assert_eq!(err.code, "ca_file_invalid", "a bad CA file is named: {err}");
        let err = client(Some(&dir.path().join("missing.pem"))).expect_err("no file");
        assert_eq!(
            err.code, "ca_file_invalid",
            "a missing CA file is named: {err}"
        );
        assert!(
            err.message.contains("не удалось прочитать"),
            "the message says the file could not be read: {}",
            err.message
        );
    }

    #[test]
    fn a_plain_client_builds_with_the_ring_provider() {
        assert!(
            client(None).is_ok(),
            "the client builds without aws-lc-rs (ring is installed as the provider)"
        );
    }
}
