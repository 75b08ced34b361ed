//! A region server over HTTPS: a throwaway CA and a server certificate for 127.0.0.1 are made at
//! test time; the server serves them (journal-server's `tls` module, as `serve --tls-cert
//! --tls-key` does). With the CA file the client signs in, pushes and pulls, and keeps the CA as
//! the copy's setting; without it the client refuses the server («сертификат сервера не
//! подтверждён») and nothing changes on either side.

use crate::server::{during, first_lesson, today, TestServer, TEST_KDF};
use chrono::NaiveTime;
use journal_api::{Clock, FixedClock, Journal};
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use std::path::{Path, PathBuf};
use std::sync::Arc;

struct Pki {
    dir: tempfile::TempDir,
}

impl Pki {
    /// An institution's own CA and a server certificate for 127.0.0.1 signed by it, as PEM files.
    fn make() -> Pki {
        let dir = tempfile::tempdir().expect("temp dir");
        let ca_key = KeyPair::generate().expect("a CA key");
        let mut ca = CertificateParams::new(Vec::<String>::new()).expect("CA parameters");
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.distinguished_name
            .push(DnType::CommonName, "Тестовый центр сертификации колледжа");
        ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let ca_cert = ca.self_signed(&ca_key).expect("the CA certificate");
        let issuer = Issuer::new(ca, ca_key);
        let server_key = KeyPair::generate().expect("a server key");
        let mut server =
            CertificateParams::new(vec!["127.0.0.1".to_string()]).expect("server parameters");
        server
            .distinguished_name
            .push(DnType::CommonName, "journal-server");
        server.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let server_cert = server
            .signed_by(&server_key, &issuer)
            .expect("the server certificate");
        let write = |name: &str, text: String| {
            std::fs::write(dir.path().join(name), text).expect("the PEM file is written")
        };
        write("ca.pem", ca_cert.pem());
        write("server.pem", server_cert.pem());
        write("server.key", server_key.serialize_pem());
        Pki { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn server(&self) -> TestServer {
        let config =
            journal_server::tls::server_config(&self.path("server.pem"), &self.path("server.key"))
                .expect("the server's certificate and key load");
        TestServer::start_tls(config)
    }
}

fn morning() -> chrono::NaiveDateTime {
    today().and_time(NaiveTime::from_hms_opt(7, 0, 0).expect("valid time"))
}

fn sign_in(
    server: &TestServer,
    dir: &Path,
    ca: Option<&Path>,
) -> Result<Journal, journal_api::ApiError> {
    Journal::sign_in_online_with_ca(
        dir,
        &server.url,
        ca,
        "teacher",
        journal_demo::DEMO_PASSWORD,
        TEST_KDF,
    )
}

#[test]
fn over_https_with_the_institution_ca_sign_in_push_and_pull_work() {
    let pki = Pki::make();
    let server = pki.server();
    assert!(
        server.url.starts_with("https://127.0.0.1:"),
        "the server is on https: {}",
        server.url
    );
    let pc_a = tempfile::tempdir().expect("temp dir");
    let pc_b = tempfile::tempdir().expect("temp dir");
    let ca = pki.path("ca.pem");
    let mut a = sign_in(&server, pc_a.path(), Some(&ca))
        .expect("with the institution's CA the sign-in over https succeeds")
        .with_clock(Arc::new(FixedClock::new(morning())) as Arc<dyn Clock>);
    let lesson = first_lesson(&a);
    a.set_clock(Arc::new(FixedClock::new(during(&lesson))) as Arc<dyn Clock>);
    let student = a.lesson(lesson.id).expect("the lesson opens").students[0].student_id;
    a.set_cell(lesson.id, student, "5").expect("a mark");
    let r = a.sync().expect("the push and pull go over https");
    assert_eq!(
        (r.applied, r.pending),
        (1, 0),
        "the mark reached the server: {r:?}"
    );

    // The CA is the copy's setting: a later sign-in (and its syncs) needs no --ca again.
    drop(a);
    let mut again = Journal::sign_in_online_with(
        pc_a.path(),
        &server.url,
        "teacher",
        journal_demo::DEMO_PASSWORD,
        TEST_KDF,
    )
    .expect("the kept CA is used by a later sign-in without it");
    assert_eq!(
        again.sync().expect("a sync with the kept CA").pending,
        0,
        "nothing left to send"
    );

    let mut b = sign_in(&server, pc_b.path(), Some(&ca)).expect("a second PC signs in");
    b.sync().expect("the second PC pulls over https");
    assert_eq!(
        b.lesson(lesson.id).expect("the lesson opens").students[0]
            .cell
            .symbol,
        "5",
        "the mark pushed over https was pulled by the other PC"
    );
}

#[test]
fn without_the_ca_the_server_is_refused_and_nothing_changes() {
    let pki = Pki::make();
    let server = pki.server();
    let changes = server.changes_count();
    let pc = tempfile::tempdir().expect("temp dir");
    let err = sign_in(&server, pc.path(), None).expect_err("an unknown CA is not trusted");
    assert_eq!(
        err.code, "tls_untrusted",
        "the refusal names the cause: {err}"
    );
    assert!(
        err.message
            .to_lowercase()
            .contains("сертификат сервера не подтверждён"),
        "the message says so in Russian: {}",
        err.message
    );
    assert!(
        Journal::local_users(pc.path())
            .expect("the PC's copies list")
            .is_empty(),
        "a refused first sign-in leaves no local copy"
    );
    assert_eq!(
        server.changes_count(),
        changes,
        "nothing reached the server"
    );

    // A file that is not a certificate is refused before anything happens.
    std::fs::write(pki.path("bad.pem"), "не сертификат").expect("writes");
    let err = sign_in(&server, pc.path(), Some(&pki.path("bad.pem")))
        .expect_err("a bad CA file is refused");
    assert_eq!(err.code, "ca_file_invalid", "a bad CA file is named: {err}");
    assert!(
        Journal::local_users(pc.path())
            .expect("the PC's copies list")
            .is_empty(),
        "a bad CA file leaves no local copy"
    );

    // The CA of another institution does not make this server trusted either.
    let other = Pki::make();
    let err = sign_in(&server, pc.path(), Some(&other.path("ca.pem")))
        .expect_err("another CA does not vouch for this server");
    assert_eq!(err.code, "tls_untrusted", "refused with another CA: {err}");
}
