//! Signing in on a shared PC and syncing with the institution server.
//!
//! Each user's local copy is a SQLCipher store encrypted with a key derived from their password by
//! Argon2id; the salt and the Argon2 parameters (never the key) are kept beside the store in
//! `users/<login>/key.json`, so offline sign-in is opening the store with the derived key. The
//! server token lives only in memory: a new process signs in again.
//!
//! The HTTP client is reqwest's blocking client: every call here blocks, so the app runs sync off
//! its UI thread (a Tauri async command on a blocking task) and the CLI simply waits. Plain HTTP
//! for a server on the school network, HTTPS for a region server: see [`crate::tls`] (rustls with
//! *ring*, the system's roots plus an optional institution CA file kept in the key file).
//!
//! Sync = push the pending outbox ops in `device_seq` order in batches (each op's answer is stored
//! as soon as its batch is answered), then pull pages after the stored cursor until `has_more` is
//! false (each page applied with the cursor in one store transaction). Either step may be
//! interrupted at any point: the next sync pushes what is still pending (the server answers
//! `duplicate` for what it already has) and pulls from the last stored cursor.

mod escrow;
mod message;
mod parent_note;
mod rescue;
mod suggestion;
use crate::layout::DataDir;
use crate::{ApiError, Journal};
use chrono::{NaiveDateTime, Utc};
use journal_core::{DeviceId, UserId};
use journal_protocol::{
    Change, Op, OpOutcome, OpResult, PullPage, PushRequest, PushResponse, Snapshot,
    DEVICE_CLOCK_HEADER, PROTOCOL_HEADER, PROTOCOL_VERSION,
};
use journal_store::{OpState, RemoteChange, Store, StoreKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

pub use crate::dto::SyncReportDto as SyncReport;

/// File beside the store with the key derivation's salt and parameters.
pub const KEY_FILE: &str = "key.json";
/// Ops per push request.
const PUSH_BATCH: usize = 500;
/// Changes per pull page.
const PULL_LIMIT: u32 = 1000;
/// Failed offline sign-ins after which each further attempt must wait.
const FREE_ATTEMPTS: u32 = 5;
/// Server refusals that concern the device, not the op: the op is not part of the device's chain
/// on the server, so it stays pending and is sent again once the cause is fixed.
const DEVICE_REFUSALS: &[&str] = &[
    "unknown_device",
    "device_key_missing",
    "sequence_gap",
    "chain_broken",
    "device_other_institution",
];

/// Argon2id cost. [`KdfParams::default`] is the real one (19 MiB, 2 passes, 1 lane — OWASP's
/// minimum for Argon2id); tests may pass lighter ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    pub m_kib: u32,
    pub t: u32,
    pub p: u32,
}

impl Default for KdfParams {
    fn default() -> Self {
        KdfParams {
            m_kib: 19 * 1024,
            t: 2,
            p: 1,
        }
    }
}

/// What `users/<login>/key.json` holds: how to derive the key, never the key; the offline
/// sign-in failure counter; the server and the last contact (not secret).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct KeyFile {
    login: String,
    /// Hex of 16 random bytes.
    salt: String,
    kdf: KdfParams,
    #[serde(default)]
    failed_attempts: u32,
    #[serde(default)]
    last_failure_at: Option<NaiveDateTime>,
    #[serde(default)]
    server_url: Option<String>,
    /// An extra CA certificate file (PEM) the server's certificate may chain to: an
    /// institution's own CA. The client setting given at sign-in (`journal login --ca FILE`).
    #[serde(default)]
    server_ca: Option<PathBuf>,
    /// Tells a wrong password from a damaged copy: [`key_check`] of the key that opened the copy
    /// (absent in key files written before it; set at the next sign-in).
    #[serde(default)]
    key_check: Option<String>,
    /// The key wrapped under the server's secret for this user and device (see [`escrow`]):
    /// opens the copy after the administrator reset the password. Absent until an online
    /// sign-in fetched the secret.
    #[serde(default)]
    escrow: Option<escrow::Escrow>,
}

/// A one-way check value of a store key: a damaged copy that the right password cannot open is
/// said to be damaged, not «wrong password» (which would throttle the teacher and hide the damage).
fn key_check(key: &StoreKey) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(b"journal-key-check\0");
    h.update(key.0);
    hex::encode(h.finalize())
}

impl KeyFile {
    fn path(data_dir: &Path, login: &str) -> Result<PathBuf, ApiError> {
        Ok(DataDir::new(data_dir).user_dir(login)?.join(KEY_FILE))
    }

    fn load(path: &Path) -> Result<Option<KeyFile>, ApiError> {
        if !path.exists() {
            return Ok(None);
        }
        let text = std::fs::read_to_string(path)?;
        serde_json::from_str(&text).map(Some).map_err(|e| {
            ApiError::new(
                "key_file_invalid",
                format!("Файл параметров ключа повреждён ({}): {e}", path.display()),
            )
        })
    }

    fn save(&self, path: &Path) -> Result<(), ApiError> {
        let text = serde_json::to_string_pretty(self)
            .map_err(|e| ApiError::new("key_file_invalid", e.to_string()))?;
        // Write-then-rename: a crash never leaves a half-written salt (that would lock the copy).
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, text)?;
        std::fs::rename(&tmp, path)?;
        Ok(())
    }

    fn new(login: &str, kdf: KdfParams) -> KeyFile {
        let salt: [u8; 16] = rand::random();
        KeyFile {
            login: login.to_string(),
            salt: hex::encode(salt),
            kdf,
            failed_attempts: 0,
            last_failure_at: None,
            server_url: None,
            server_ca: None,
            key_check: None,
            escrow: None,
        }
    }

    fn derive(&self, password: &str) -> Result<StoreKey, ApiError> {
        derive_key(password, &self.salt, self.kdf)
    }
}

/// Where a password change writes the new key parameters before re-encrypting the copy: if the
/// change is interrupted between the two, sign-in finds the copy under the one or the other.
const NEW_KEY_FILE: &str = "key.json.new";

/// Opens the store at `store_path` with the key `password` derives from the key file, or from a
/// pending new key file left by an interrupted password change (which then becomes the key file).
/// A first sign-in killed after the copy was created but before its key file was written leaves an
/// encrypted copy whose salt is lost: nobody can ever open it, and it holds no edit (edits begin only
/// after sign-in returns). It is removed so that the next sign-in starts afresh instead of refusing
/// the right password for ever. A copy that opens without a key (the demo's) is kept.
/// Beside the copy while a sync that pushed has not completed (see [`Journal::sync`]).
const UNSETTLED_FILE: &str = "sync-unsettled";

fn discard_keyless_encrypted_copy(store_path: &Path) -> Result<(), ApiError> {
    if !store_path.exists() {
        return Ok(());
    }
    match Store::open(store_path, None) {
        // An empty file without a key file: a first sign-in killed at once; it holds nothing.
        Err(e) if e.code() == "store_key_invalid" || e.code() == "store_damaged" => {
            for suffix in ["", "-wal", "-shm", "-journal"] {
                let mut name = store_path.as_os_str().to_owned();
                name.push(suffix);
                let file = std::path::PathBuf::from(name);
                if file.exists() {
                    std::fs::remove_file(&file)?;
                }
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

fn open_keyed(
    store_path: &Path,
    key_path: &Path,
    key_file: &mut KeyFile,
    password: &str,
) -> Result<Store, journal_store::StoreError> {
    use journal_store::StoreError;
    let key = key_file
        .derive(password)
        .map_err(|e| StoreError::Open(e.message))?;
    // Some(true): this is the key that opened the copy before; Some(false): a wrong password (or
    // the key of an interrupted password change); None: not known yet (an older key file).
    let known = key_file.key_check.as_ref().map(|c| *c == key_check(&key));
    if known != Some(false) {
        match Store::open(store_path, Some(&key)) {
            Ok(store) => {
                remember_key_check(key_file, key_path, &key)?;
                // Every page is read once at sign-in: damage anywhere is found now, while the
                // unsent edits can still be rescued, not at some later read.
                store.check_integrity()?;
                return Ok(store);
            }
            Err(e) if e.code() != "store_key_invalid" => return Err(e),
            Err(_) => {}
        }
    }
    // The copy may have been re-encrypted by a password change interrupted before its key file
    // was replaced.
    let new_path = key_path.with_file_name(NEW_KEY_FILE);
    if let Ok(Some(mut new)) = KeyFile::load(&new_path) {
        let new_key = new
            .derive(password)
            .map_err(|e| StoreError::Open(e.message))?;
        if let Ok(store) = Store::open(store_path, Some(&new_key)) {
            std::fs::rename(&new_path, key_path).map_err(|e| StoreError::Open(e.to_string()))?;
            new.key_check = Some(key_check(&new_key));
            new.save(key_path)
                .map_err(|e| StoreError::Open(e.message))?;
            *key_file = new;
            return Ok(store);
        }
    }
    if known == Some(true) {
        return Err(StoreError::Damaged(
            "начало файла не читается, хотя пароль верный".into(),
        ));
    }
    // A key file without a check value (written before it): the pages themselves tell — under
    // the right key the copy's device row still decrypts beyond a damaged beginning.
    if known.is_none() && journal_store::salvage(store_path, &key).is_ok_and(|s| s.key_fits) {
        return Err(StoreError::Damaged(
            "начало файла не читается, хотя пароль верный".into(),
        ));
    }
    Err(StoreError::KeyInvalid)
}

/// Keeps the key's check value in the key file once a copy opened with it (saved only if the key
/// file is already on disk: a first sign-in writes it at its end).
fn remember_key_check(
    key_file: &mut KeyFile,
    key_path: &Path,
    key: &StoreKey,
) -> Result<(), journal_store::StoreError> {
    let check = key_check(key);
    if key_file.key_check.as_deref() == Some(check.as_str()) {
        return Ok(());
    }
    key_file.key_check = Some(check);
    if key_path.exists() {
        key_file
            .save(key_path)
            .map_err(|e| journal_store::StoreError::Open(e.message))?;
    }
    Ok(())
}

/// The store key of `password` with `salt_hex` (Argon2id, 32 bytes).
pub fn derive_key(password: &str, salt_hex: &str, kdf: KdfParams) -> Result<StoreKey, ApiError> {
    let bad = |e: String| {
        ApiError::new(
            "key_derivation_failed",
            format!("Не удалось вычислить ключ: {e}"),
        )
    };
    let salt = hex::decode(salt_hex).map_err(|e| bad(e.to_string()))?;
    let params =
        argon2::Params::new(kdf.m_kib, kdf.t, kdf.p, Some(32)).map_err(|e| bad(e.to_string()))?;
    let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let mut key = [0u8; 32];
    argon
        .hash_password_into(password.as_bytes(), &salt, &mut key)
        .map_err(|e| bad(e.to_string()))?;
    Ok(StoreKey(key))
}

fn wrong_password() -> ApiError {
    ApiError::new(
        "wrong_password",
        "Неверный пароль: локальная копия журнала не открыта. Если администратор сбросил ваш пароль, войдите с новым паролем при подключении к серверу: копия откроется и будет перешифрована под него",
    )
}

/// The copy's key wrapped anew under the server's secret of this user and device, when the key
/// file holds none or one of another key (a password change, a rescued copy). A server without the
/// route leaves the copy without one (it then opens only with its own password, as before).
fn refresh_escrow(
    http: &reqwest::blocking::Client,
    server: &str,
    token: &str,
    key_file: &mut KeyFile,
    store: &Store,
    password: &str,
) -> Result<(), ApiError> {
    let Ok(secret) = post::<_, escrow::DeviceSecret>(
        http,
        server,
        Some(token),
        "/auth/device-secret",
        &serde_json::json!({}),
    ) else {
        return Ok(());
    };
    if let Some(e) = &key_file.escrow {
        if e.device_id == store.device_id() && e.unwrap(&secret.secret, key_file).is_ok() {
            return Ok(());
        }
    }
    let key = key_file.derive(password)?;
    key_file.escrow = Some(escrow::Escrow::wrap(
        &key,
        &secret.secret,
        store.device_id(),
        hex::encode(store.device_public_key()),
    ));
    Ok(())
}

/// A copy the password does not open, at an online sign-in: the administrator may have reset the
/// password. Signs in as the copy's device with it; if the server takes it, its device secret
/// unwraps the copy's key, and the copy is re-keyed under the new password (a new salt; the new
/// key file written first, as a password change does, so an interruption leaves the copy openable
/// with one or the other). The unsent edits stay as they are. A password the server refuses too
/// is a wrong password.
fn rekey_after_reset(
    store_path: &Path,
    key_path: &Path,
    key_file: &mut KeyFile,
    (server_url, ca_file): (&str, Option<&Path>),
    login: &str,
    password: &str,
) -> Result<(Store, LoginResponse), ApiError> {
    let escrow = key_file
        .escrow
        .clone()
        .ok_or_else(|| ApiError::new("wrong_password", wrong_password().message))?;
    let ca_file = ca_file
        .map(Path::to_path_buf)
        .or_else(|| key_file.server_ca.clone());
    let http = client(ca_file.as_deref())?;
    let reply: LoginResponse = post(
        &http,
        server_url,
        None,
        "/auth/login",
        &LoginRequest {
            login,
            password,
            device_id: escrow.device_id,
            device_key: escrow.device_key.clone(),
        },
    )
    .map_err(|e| match e.code.as_str() {
        "bad_credentials" => ApiError::new(
            "wrong_password",
            "Пароль не подходит ни к локальной копии этого пользователя, ни на сервере",
        ),
        _ => e,
    })?;
    let secret: escrow::DeviceSecret = post(
        &http,
        server_url,
        Some(&reply.token),
        "/auth/device-secret",
        &serde_json::json!({}),
    )?;
    let old_key = escrow.unwrap(&secret.secret, key_file)?;
    let mut store = Store::open(store_path, Some(&old_key))?;
    store.check_integrity()?;
    let mut next = KeyFile::new(&key_file.login, key_file.kdf);
    next.server_url = key_file.server_url.clone();
    next.server_ca = key_file.server_ca.clone();
    let new_key = next.derive(password)?;
    next.key_check = Some(key_check(&new_key));
    next.escrow = Some(escrow::Escrow::wrap(
        &new_key,
        &secret.secret,
        escrow.device_id,
        escrow.device_key,
    ));
    let new_path = key_path.with_file_name(NEW_KEY_FILE);
    next.save(&new_path)?;
    store.rekey(&new_key)?;
    std::fs::rename(&new_path, key_path)?;
    *key_file = next;
    Ok((store, reply))
}

/// The server a signed-in copy talks to; the token is kept in memory only.
#[derive(Debug, Clone, Default)]
pub struct SyncLink {
    pub(crate) server_url: Option<String>,
    token: Option<String>,
    /// Last contact: answered (true) or unreachable (false).
    pub(crate) online: Option<bool>,
    key_file: Option<PathBuf>,
    /// The institution CA file the server's certificate is also checked against.
    pub(crate) ca_file: Option<PathBuf>,
}

/// What the user decides about a conflict or refusal. Each decision is recorded as a resolved
/// entry in the conflicts list beside the original, which is closed — nothing disappears.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum ConflictAction {
    /// Keep the server's value (the local copy already shows it after the sync).
    TakeServer,
    /// Record the local value again as a new edit (new entry time) to send with the next sync.
    SubmitAgain,
    /// Give the local value up, with the reason.
    Withdraw { reason: String },
}

// ----- wire types (the server's JSON) ---------------------------------------------------------

#[derive(Serialize)]
struct LoginRequest<'a> {
    login: &'a str,
    password: &'a str,
    device_id: DeviceId,
    device_key: String,
}

#[derive(Deserialize)]
struct LoginResponse {
    token: String,
    user: LoginUser,
}

#[derive(Deserialize)]
struct LoginUser {
    id: UserId,
}

// Push and pull bodies: journal-protocol's `sync` module, the server's own definitions.

#[derive(Debug, Clone, Serialize, Deserialize)]
struct SnapshotResponse {
    server_seq: u64,
    /// The server's reference_version the snapshot includes (0 from a server that sends none).
    #[serde(default)]
    reference_version: u64,
    snapshot: Snapshot,
}

#[derive(Deserialize)]
struct ErrorBody {
    code: String,
    message: String,
}

// ----- HTTP ------------------------------------------------------------------------------------

use crate::tls::client;

pub(crate) fn api_url(server: &str, path: &str) -> String {
    format!("{}/api/v1{path}", server.trim_end_matches('/'))
}

/// No answer: no connection, or the server's certificate not trusted (see [`crate::tls`]).
fn unreachable(e: reqwest::Error) -> ApiError {
    crate::tls::request_failed(e)
}

/// Turns an HTTP reply into its JSON body, or the server's `{code, message}` into an ApiError
/// (token expiry → `session_expired`, an older protocol → `protocol_outdated`).
pub(crate) fn read_json<T: serde::de::DeserializeOwned>(
    resp: reqwest::blocking::Response,
) -> Result<T, ApiError> {
    let status = resp.status();
    if status.is_success() {
        return resp.json::<T>().map_err(|e| {
            ApiError::new(
                "server_reply_invalid",
                format!("Сервер ответил в неожиданном виде: {e}"),
            )
        });
    }
    let body: Option<ErrorBody> = resp.json().ok();
    let (code, message) = body.map(|b| (b.code, b.message)).unwrap_or_else(|| {
        (
            "server_error".into(),
            format!("Сервер ответил ошибкой {status}"),
        )
    });
    Err(match code.as_str() {
        "token_expired" | "unauthorized" => ApiError::new(
            "session_expired",
            "Срок входа истёк: войдите снова с подключением к серверу. Неотправленные изменения сохранены",
        ),
        "protocol_outdated" => ApiError::new("protocol_outdated", message),
        _ => ApiError::new(code, message),
    })
}

fn get<T: serde::de::DeserializeOwned>(
    http: &reqwest::blocking::Client,
    server: &str,
    token: &str,
    path: &str,
    query: &[(&str, String)],
) -> Result<T, ApiError> {
    let resp = http
        .get(api_url(server, path))
        .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string())
        .bearer_auth(token)
        .query(query)
        .send()
        .map_err(unreachable)?;
    read_json(resp)
}

fn post<B: Serialize, T: serde::de::DeserializeOwned>(
    http: &reqwest::blocking::Client,
    server: &str,
    token: Option<&str>,
    path: &str,
    body: &B,
) -> Result<T, ApiError> {
    let mut req = http
        .post(api_url(server, path))
        .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string())
        .json(body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    read_json(req.send().map_err(unreachable)?)
}

/// A push of this device's own ops, with its clock (see [`DEVICE_CLOCK_HEADER`]).
fn push_with_clock(
    http: &reqwest::blocking::Client,
    server: &str,
    token: &str,
    ops: &[Op],
    device_clock: NaiveDateTime,
) -> Result<PushResponse, ApiError> {
    let req = http
        .post(api_url(server, "/sync/push"))
        .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string())
        .header(
            DEVICE_CLOCK_HEADER,
            device_clock.format("%Y-%m-%dT%H:%M:%S").to_string(),
        )
        .bearer_auth(token)
        .json(&PushRequest { ops: ops.to_vec() });
    read_json(req.send().map_err(unreachable)?)
}

fn now_utc() -> NaiveDateTime {
    Utc::now().naive_utc()
}

// ----- bundle files ----------------------------------------------------------------------------

/// What `bundle export` writes: the offline device's pending ops and who it is.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct BundleBody {
    format: String,
    protocol: u32,
    login: String,
    user_id: UserId,
    device_id: DeviceId,
    /// Hex of the device's ed25519 public key.
    device_key: String,
    /// The device's pull cursor: the answer carries the changes after it.
    after: u64,
    /// The reference data version the offline copy holds: the answer brings the snapshot when
    /// the server's differs (0 in files written before this field: always brought).
    #[serde(default)]
    reference_version: u64,
    created_at: NaiveDateTime,
    ops: Vec<Op>,
}

/// What `bundle push` writes for the offline device: the server's answers and the changes.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct AnswerBody {
    format: String,
    protocol: u32,
    device_id: DeviceId,
    user_id: UserId,
    created_at: NaiveDateTime,
    ops: Vec<Op>,
    results: Vec<OpResult>,
    changes: Vec<Change>,
    next_after: u64,
    /// The user's part of the institution, when some op was refused (so the device shows the
    /// server's values where its own were not taken).
    snapshot: Option<SnapshotResponse>,
}

/// A file with its integrity hash: sha256 (hex) of the body's JSON text.
#[derive(Serialize, Deserialize)]
struct Sealed {
    body: serde_json::Value,
    sha256: String,
}

const BUNDLE_FORMAT: &str = "offline-journal-bundle/1";
const ANSWER_FORMAT: &str = "offline-journal-answer/1";

fn write_sealed<T: Serialize>(path: &Path, body: &T) -> Result<(), ApiError> {
    let value =
        serde_json::to_value(body).map_err(|e| ApiError::new("bundle_invalid", e.to_string()))?;
    let text = value.to_string();
    let sealed = Sealed {
        body: value,
        sha256: hex::encode(Sha256::digest(text.as_bytes())),
    };
    let out =
        serde_json::to_vec(&sealed).map_err(|e| ApiError::new("bundle_invalid", e.to_string()))?;
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, out)?;
    std::fs::rename(&tmp, path)?;
    Ok(())
}

fn read_sealed<T: serde::de::DeserializeOwned>(path: &Path, format: &str) -> Result<T, ApiError> {
    let bytes = std::fs::read(path)?;
    let sealed: Sealed = serde_json::from_slice(&bytes).map_err(|e| {
        ApiError::new(
            "bundle_invalid",
            format!("Файл {} — не файл обмена журнала: {e}", path.display()),
        )
    })?;
    // serde_json's Value keeps keys sorted, so the text is the same as when it was written.
    let text = sealed.body.to_string();
    if hex::encode(Sha256::digest(text.as_bytes())) != sealed.sha256 {
        return Err(ApiError::new(
            "bundle_corrupt",
            format!(
                "Файл {} повреждён или изменён: контрольная сумма не совпадает",
                path.display()
            ),
        ));
    }
    if sealed.body.get("format").and_then(|f| f.as_str()) != Some(format) {
        return Err(ApiError::new(
            "bundle_wrong_kind",
            format!(
                "Файл {} — не тот вид файла обмена (ожидался {format})",
                path.display()
            ),
        ));
    }
    serde_json::from_value(sealed.body).map_err(|e| {
        ApiError::new(
            "bundle_invalid",
            format!("Файл {} не соответствует формату: {e}", path.display()),
        )
    })
}

// ----- Journal: sign-in, sync, conflicts, bundles ---------------------------------------------

impl Journal {
    /// Logins with a local copy on this PC (the sign-in screen's list).
    pub fn local_users(data_dir: &Path) -> Result<Vec<String>, ApiError> {
        DataDir::new(data_dir).local_users()
    }

    /// Online sign-in with the real Argon2id cost. See [`Journal::sign_in_online_with`].
    pub fn sign_in_online(
        data_dir: &Path,
        server_url: &str,
        login: &str,
        password: &str,
    ) -> Result<Journal, ApiError> {
        Journal::sign_in_online_with(data_dir, server_url, login, password, KdfParams::default())
    }

    /// Signs in against the server: derives the store key from the password, opens (or creates)
    /// the user's encrypted local copy, logs in with this device's id and public key, and on the
    /// first sign-in loads the user's part of the institution from the server's snapshot.
    /// `kdf` applies to a new copy only; an existing one keeps the parameters it was made with.
    /// An https server's certificate is checked against the system's roots and the CA file kept
    /// from an earlier [`Journal::sign_in_online_with_ca`], if any.
    pub fn sign_in_online_with(
        data_dir: &Path,
        server_url: &str,
        login: &str,
        password: &str,
        kdf: KdfParams,
    ) -> Result<Journal, ApiError> {
        Journal::sign_in_online_with_ca(data_dir, server_url, None, login, password, kdf)
    }

    /// [`Journal::sign_in_online_with`], also trusting the CA certificate(s) in `ca_file` (PEM):
    /// an institution's own CA for an https server. The file is checked before anything else
    /// happens (a bad one is `ca_file_invalid`) and, once the sign-in succeeds, kept as the
    /// copy's setting for later syncs and sign-ins. `None` keeps the setting as it is.
    pub fn sign_in_online_with_ca(
        data_dir: &Path,
        server_url: &str,
        ca_file: Option<&Path>,
        login: &str,
        password: &str,
        kdf: KdfParams,
    ) -> Result<Journal, ApiError> {
        let login = login.trim();
        if let Some(path) = ca_file {
            // Before the copy is touched: a bad file changes nothing.
            client(Some(path))?;
        }
        let dirs = DataDir::new(data_dir);
        let user_dir = dirs.user_dir(login)?;
        let key_path = user_dir.join(KEY_FILE);
        let store_path = dirs.store_path(login)?;
        let existing = KeyFile::load(&key_path)?;
        if existing.is_none() {
            discard_keyless_encrypted_copy(&store_path)?;
        }
        let is_new = existing.is_none() || !store_path.exists();
        let mut key_file = match existing {
            Some(k) if store_path.exists() => k,
            _ => KeyFile::new(login, kdf),
        };
        std::fs::create_dir_all(&user_dir)?;
        // A damaged copy opened with the right password (or one that cannot be told): set aside,
        // its readable unsent edits kept for the fresh copy the rest of this sign-in makes.
        let mut rescue: Option<(rescue::Aside, journal_store::Salvage, String)> = None;
        let opened = match open_keyed(&store_path, &key_path, &mut key_file, password) {
            Err(e) if e.code() == "store_damaged" && !is_new => {
                let key = key_file.derive(password)?;
                // Unreadable as a whole (gone between the two reads): nothing to rescue.
                let salvage = journal_store::salvage(&store_path, &key).unwrap_or_default();
                let aside = rescue::set_aside(&store_path, &key_path, now_utc())?;
                // The reason alone: the report is worded for the teacher around it.
                let damage = match &e {
                    journal_store::StoreError::Damaged(reason) => reason.clone(),
                    other => other.to_string(),
                };
                key_file = KeyFile::new(login, kdf);
                let fresh = open_keyed(&store_path, &key_path, &mut key_file, password);
                if fresh.is_err() {
                    aside.put_back();
                }
                rescue = Some((aside, salvage, damage));
                fresh
            }
            other => other,
        };
        // Set when the copy was opened through the server (a password the administrator reset):
        // that sign-in is already done.
        let mut pre_login: Option<LoginResponse> = None;
        let store = match opened {
            Ok(s) => s,
            Err(e) if e.code() == "store_key_invalid" && key_file.escrow.is_some() => {
                let (store, reply) = rekey_after_reset(
                    &store_path,
                    &key_path,
                    &mut key_file,
                    (server_url, ca_file),
                    login,
                    password,
                )?;
                pre_login = Some(reply);
                store
            }
            Err(e) if e.code() == "store_key_invalid" => {
                return Err(ApiError::new(
                    "wrong_password",
                    "Пароль не подходит к локальной копии этого пользователя (если пароль меняли на другом компьютере, войдите прежним паролем)",
                ))
            }
            Err(e) => {
                // A first sign-in that failed leaves nothing behind (above all no copy keyed
                // with a mistyped password).
                if is_new {
                    let _ = std::fs::remove_dir_all(&user_dir);
                }
                return Err(e.into());
            }
        };
        // The store is moved in and dropped on failure before the files are tidied up (closing
        // a copy removes its WAL by name).
        let signed_in = (|| -> Result<Journal, ApiError> {
            let mut store = store;
            // Kept as an absolute path: later syncs may run from another working directory.
            let ca_file = ca_file
                .map(|p| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf()))
                .or_else(|| key_file.server_ca.clone());
            let http = client(ca_file.as_deref())?;
            let reply: LoginResponse = match pre_login {
                Some(reply) => reply,
                None => post(
                    &http,
                    server_url,
                    None,
                    "/auth/login",
                    &LoginRequest {
                        login,
                        password,
                        device_id: store.device_id(),
                        device_key: hex::encode(store.device_public_key()),
                    },
                )?,
            };
            // The rescued edits go first as they were made, in the damaged copy's own device
            // chain: the server answers `duplicate` for those it already has, and the fresh
            // snapshot below then shows them all.
            let delivery = match &rescue {
                Some((_, salvage, _)) => {
                    // Only this user's edits live in this user's copy.
                    let unsent: Vec<Op> = salvage
                        .unsent()
                        .into_iter()
                        .filter(|o| o.user_id == reply.user.id)
                        .collect();
                    Some(rescue::deliver(&http, server_url, &reply.token, &unsent)?)
                }
                None => None,
            };
            if store.institution()?.is_none() {
                let snap: SnapshotResponse =
                    get(&http, server_url, &reply.token, "/sync/snapshot", &[])?;
                store.import_snapshot(&snap.snapshot)?;
                store.set_sync_cursor(snap.server_seq, now_utc())?;
                store.set_reference_version(snap.reference_version)?;
            }
            if store.user(reply.user.id)?.is_none() {
                return Err(ApiError::new(
                    "user_not_in_copy",
                    format!("Сервер не передал данные пользователя {login}"),
                ));
            }
            let mut report = None;
            if let (Some((aside, salvage, damage)), Some(delivery)) = (&rescue, &delivery) {
                // What the old chain could not carry (after an op that was lost) is sealed anew in
                // this copy's chain, under its own op id, for the next sync.
                for op in &delivery.queued {
                    store.record_rescued(op)?;
                }
                report = Some(rescue::report(
                    damage.clone(),
                    &aside.kept_as,
                    delivery,
                    salvage,
                ));
            }
            refresh_escrow(
                &http,
                server_url,
                &reply.token,
                &mut key_file,
                &store,
                password,
            )?;
            key_file.failed_attempts = 0;
            key_file.last_failure_at = None;
            key_file.server_url = Some(server_url.to_string());
            key_file.server_ca = ca_file.clone();
            key_file.save(&key_path)?;
            let mut journal = Journal::from_store(store, store_path.clone(), login)?;
            journal.link = SyncLink {
                server_url: Some(server_url.to_string()),
                token: Some(reply.token),
                online: Some(true),
                key_file: Some(key_path.clone()),
                ca_file,
            };
            journal.rescue = report;
            Ok(journal)
        })();
        match signed_in {
            Ok(journal) => Ok(journal),
            Err(e) => {
                if let Some((aside, ..)) = &rescue {
                    aside.put_back();
                } else if is_new {
                    let _ = std::fs::remove_dir_all(&user_dir);
                }
                Err(e)
            }
        }
    }

    /// Offline sign-in: opens the user's local copy with the key derived from `password`. A
    /// wrong password is `wrong_password`; after 5 failures in a row each further attempt must
    /// wait (30, 60, 120, 240, then 300 s since the last failure), counted in the key file.
    pub fn sign_in_offline(
        data_dir: &Path,
        login: &str,
        password: &str,
    ) -> Result<Journal, ApiError> {
        let login = login.trim();
        let dirs = DataDir::new(data_dir);
        let key_path = KeyFile::path(data_dir, login)?;
        let store_path = dirs.store_path(login)?;
        let Some(mut key_file) = KeyFile::load(&key_path)?.filter(|_| store_path.exists()) else {
            return Err(ApiError::new(
                "no_local_copy",
                format!("На этом компьютере нет локальной копии пользователя {login}: войдите с подключением к серверу"),
            ));
        };
        if key_file.failed_attempts >= FREE_ATTEMPTS {
            let wait = 30i64
                .saturating_mul(1 << (key_file.failed_attempts - FREE_ATTEMPTS).min(4))
                .min(300);
            if let Some(last) = key_file.last_failure_at {
                let left = wait - (now_utc() - last).num_seconds();
                if left > 0 {
                    return Err(ApiError::new(
                        "sign_in_throttled",
                        format!("Слишком много неудачных попыток входа: повторите через {left} с"),
                    ));
                }
            }
        }
        match open_keyed(&store_path, &key_path, &mut key_file, password) {
            Ok(store) => {
                if key_file.failed_attempts > 0 {
                    key_file.failed_attempts = 0;
                    key_file.last_failure_at = None;
                    key_file.save(&key_path)?;
                }
                let mut journal = Journal::from_store(store, store_path, login)?;
                journal.link = SyncLink {
                    server_url: key_file.server_url.clone(),
                    token: None,
                    online: None,
                    key_file: Some(key_path),
                    ca_file: key_file.server_ca.clone(),
                };
                Ok(journal)
            }
            Err(e) if e.code() == "store_key_invalid" => {
                key_file.failed_attempts += 1;
                key_file.last_failure_at = Some(now_utc());
                key_file.save(&key_path)?;
                Err(wrong_password())
            }
            Err(e) if e.code() == "store_damaged" => Err(ApiError::new(
                "store_damaged",
                format!(
                    "{e}. Без связи с сервером копию не восстановить: файл оставлен как есть. Войдите, когда появится связь с сервером: повреждённая копия будет отложена, с сервера будет получена новая, а неотправленные изменения, которые ещё читаются, перенесены в неё"
                ),
            )),
            Err(e) => Err(e.into()),
        }
    }

    /// What this sign-in did with a damaged copy it found (None: the copy was intact).
    pub fn rescue_report(&self) -> Option<&crate::dto::RescueReport> {
        self.rescue.as_ref()
    }

    /// Whether this copy holds a server session (signed in online in this process).
    pub fn is_online_session(&self) -> bool {
        self.link.token.is_some()
    }

    /// Points this copy at another server address (the server moved; tests use an unreachable
    /// one to go offline). Keeps the session token.
    pub fn set_server_url(&mut self, url: &str) {
        self.link.server_url = Some(url.to_string());
    }

    fn session(&self) -> Result<(String, String), ApiError> {
        match (&self.link.server_url, &self.link.token) {
            (Some(url), Some(token)) => Ok((url.clone(), token.clone())),
            _ => Err(ApiError::new(
                "not_signed_in_online",
                "Для синхронизации войдите с подключением к серверу",
            )),
        }
    }

    /// Remembers how the last contact with the server went (status: online/offline).
    fn contact<T>(&mut self, r: Result<T, ApiError>) -> Result<T, ApiError> {
        self.link.online = Some(
            !matches!(&r, Err(e) if e.code == "server_unreachable" || e.code == "tls_untrusted"),
        );
        r
    }

    /// Push then pull (see the module docs). Returns what happened; on an error (no network,
    /// expired session, outdated protocol) what was done so far is kept and the rest stays for
    /// the next sync.
    pub fn sync(&mut self) -> Result<SyncReport, ApiError> {
        let (server, token) = self.session()?;
        let http = client(self.link.ca_file.as_deref())?;
        let mut report = SyncReport::default();
        let pending = self.store.pending_ops()?;
        // Marks a push whose answers may be stored before the sync completes: if the link breaks
        // after a refusal was stored, the next sync must still replace the refused values with the
        // server's (the refusal count of that later sync is 0).
        let unsettled = self.store_path.with_file_name(UNSETTLED_FILE);
        let left_unsettled = unsettled.exists();
        if !pending.is_empty() {
            std::fs::write(&unsettled, b"")?;
        }
        for batch in pending.chunks(PUSH_BATCH) {
            let reply: PushResponse = {
                // The device's clock goes with its own ops, so the server can flag a clock that
                // is off (their entry times are by it).
                let r = push_with_clock(&http, &server, &token, batch, self.now());
                self.contact(r)?
            };
            self.apply_results(batch, &reply.results, &mut report)?;
        }
        if !left_unsettled && report.refused == 0 && unsettled.exists() {
            // Every answer of this push was stored and none refused: nothing to replace (a mark
            // left by an earlier, interrupted sync is still honoured below).
            std::fs::remove_file(&unsettled)?;
        }
        let mut after = self.store.sync_cursor()?;
        // The loop ends with the reference_version the last page names (the newest).
        let server_reference = loop {
            let page: PullPage = {
                let r = get(
                    &http,
                    &server,
                    &token,
                    "/sync/pull",
                    &[
                        ("after", after.to_string()),
                        ("limit", PULL_LIMIT.to_string()),
                    ],
                );
                self.contact(r)?
            };
            self.apply_changes(&page.changes, page.next_after, &mut report)?;
            after = page.next_after;
            if !page.has_more {
                break page.reference_version;
            }
        };
        // Reference data (students, groups, loads, …) changed by the administrator since the copy's
        // last import: the snapshot brings it. Any difference counts (a server restored from a
        // backup goes back); an unchanged version costs no request.
        let local_reference = self.store.reference_version()?;
        let reference_changed = server_reference != local_reference;
        if report.refused > 0 || unsettled.exists() || reference_changed {
            // The local copy still shows the refused values or old reference rows; the server's
            // state replaces them (pending edits stay shadowed).
            let snap: SnapshotResponse = {
                let r = get(&http, &server, &token, "/sync/snapshot", &[]);
                self.contact(r)?
            };
            self.import_server_snapshot(&snap)?;
        }
        if unsettled.exists() {
            std::fs::remove_file(&unsettled)?;
        }
        // Suggestions written offline go with the sync; one the server did not take stays for the
        // next (the journal's sync is not failed by it).
        let _ = self.send_pending_suggestions();
        // Messages likewise; one the server refuses for good (the addressee no longer teaches the
        // group) is dropped: whom one may write to is the server's rule.
        let _ = self.send_pending_messages();
        // Notes to parents likewise; one refused for good stays, with the server's words, for
        // the teacher to see.
        let _ = self.send_pending_parent_notes();
        report.pending = self.store.counts()?.pending_ops;
        report.open_conflicts = self.store.counts()?.open_conflicts;
        Ok(report)
    }

    fn import_server_snapshot(&mut self, snap: &SnapshotResponse) -> Result<(), ApiError> {
        self.store.import_snapshot(&snap.snapshot)?;
        let cursor = self.store.sync_cursor()?.max(snap.server_seq);
        self.store.set_sync_cursor(cursor, now_utc())?;
        self.store.set_reference_version(snap.reference_version)?;
        Ok(())
    }

    /// Stores the server's answer to each op of a batch.
    fn apply_results(
        &mut self,
        batch: &[Op],
        results: &[OpResult],
        report: &mut SyncReport,
    ) -> Result<(), ApiError> {
        let now = self.now();
        for r in results {
            let Some(op) = batch.iter().find(|o| o.op_id == r.op_id) else {
                continue;
            };
            let outcome = serde_json::to_value(&r.outcome)
                .map_err(|e| ApiError::new("server_reply_invalid", e.to_string()))?;
            let local = serde_json::to_value(&op.payload)
                .map_err(|e| ApiError::new("server_reply_invalid", e.to_string()))?;
            report.pushed += 1;
            match &r.outcome {
                OpOutcome::Applied { .. } => {
                    self.store
                        .set_op_state(op.op_id, OpState::Applied, Some(&outcome))?;
                    report.applied += 1;
                }
                OpOutcome::Duplicate { .. } => {
                    self.store
                        .set_op_state(op.op_id, OpState::Duplicate, Some(&outcome))?;
                    report.duplicates += 1;
                }
                OpOutcome::Rejected { code, message }
                    if DEVICE_REFUSALS.contains(&code.as_str()) =>
                {
                    // Not part of the device's chain on the server: stays pending, sync stops.
                    return Err(ApiError::new(
                        "sync_device_refused",
                        format!("Сервер не принял изменения этого устройства: {message}"),
                    ));
                }
                OpOutcome::Rejected { code, message } => {
                    self.store
                        .set_op_state(op.op_id, OpState::Rejected, Some(&outcome))?;
                    self.store
                        .add_conflict(op.op_id, &local, None, code, message, now)?;
                    report.refused += 1;
                }
                OpOutcome::Conflict {
                    server_value,
                    message,
                } => {
                    self.store
                        .set_op_state(op.op_id, OpState::Conflict, Some(&outcome))?;
                    self.store.add_conflict(
                        op.op_id,
                        &local,
                        Some(server_value),
                        "conflict",
                        message,
                        now,
                    )?;
                    report.refused += 1;
                }
            }
        }
        Ok(())
    }

    fn apply_changes(
        &mut self,
        changes: &[Change],
        next_after: u64,
        report: &mut SyncReport,
    ) -> Result<(), ApiError> {
        let remote: Vec<RemoteChange> = changes
            .iter()
            .map(|c| RemoteChange {
                server_seq: c.server_seq,
                device_id: c.device_id,
                author_id: c.author_id,
                device_time: c.device_time,
                payload: c.payload.clone(),
            })
            .collect();
        report.pulled += changes.len() as u64;
        let local_now = self.now();
        report.written +=
            self.store
                .apply_remote_changes(&remote, next_after, now_utc(), local_now)?
                as u64;
        Ok(())
    }

    /// Acts on an open conflict or refusal (see [`ConflictAction`]).
    pub fn resolve_conflict(&mut self, id: i64, action: ConflictAction) -> Result<(), ApiError> {
        let now = self.now();
        let conflict = self
            .store
            .conflicts()?
            .into_iter()
            .find(|c| c.id == id && c.open)
            .ok_or_else(|| ApiError::not_found("Открытый конфликт", id))?;
        let op = self
            .store
            .all_ops()?
            .into_iter()
            .find(|o| o.op_id == conflict.op_id)
            .ok_or_else(|| ApiError::not_found("Изменение", conflict.op_id))?;
        let (code, message) = match &action {
            ConflictAction::TakeServer => (
                "resolved_take_server",
                "Принято значение сервера".to_string(),
            ),
            ConflictAction::SubmitAgain => {
                // The server re-checks it like any edit; the entry time is now.
                let again = self
                    .store
                    .record_edit(self.me.id, now, op.payload.clone())?;
                (
                    "resolved_submitted_again",
                    format!("Отправлено повторно (изменение №{})", again.device_seq),
                )
            }
            ConflictAction::Withdraw { reason } => {
                let reason = reason.trim();
                if reason.is_empty() {
                    return Err(ApiError::invalid_input(
                        "Укажите причину, по которой изменение отзывается",
                    ));
                }
                ("resolved_withdrawn", format!("Отозвано: {reason}"))
            }
        };
        let record = self.store.add_conflict(
            op.op_id,
            &conflict.local_value,
            conflict.server_value.as_ref(),
            code,
            &message,
            now,
        )?;
        self.store.resolve_conflict(record, now)?;
        self.store.resolve_conflict(id, now)?;
        Ok(())
    }

    /// Writes the pending ops of this (never-online) PC and its device identity into `file`,
    /// to be pushed by another PC with [`Journal::push_bundle`].
    pub fn export_bundle(&self, file: &Path) -> Result<u64, ApiError> {
        let ops = self.store.pending_ops()?;
        let n = ops.len() as u64;
        write_sealed(
            file,
            &BundleBody {
                format: BUNDLE_FORMAT.into(),
                protocol: PROTOCOL_VERSION,
                login: self.me.login.clone(),
                user_id: self.me.id,
                device_id: self.store.device_id(),
                device_key: hex::encode(self.store.device_public_key()),
                after: self.store.sync_cursor()?,
                reference_version: self.store.reference_version()?,
                created_at: now_utc(),
                ops,
            },
        )?;
        Ok(n)
    }

    /// On a PC with network, signed in online as the same user: pushes another device's bundle
    /// through the normal push endpoint, pulls the changes after the bundle's cursor, and writes
    /// the answer file for `bundle import` on the offline PC. The offline device must have been
    /// registered on the server once (an online sign-in on it); otherwise its ops are refused
    /// with `unknown_device`, kept in the answer, and stay pending there.
    pub fn push_bundle(&mut self, bundle: &Path, answer: &Path) -> Result<SyncReport, ApiError> {
        let body: BundleBody = read_sealed(bundle, BUNDLE_FORMAT)?;
        if body.user_id != self.me.id {
            return Err(ApiError::new(
                "bundle_other_user",
                format!(
                    "Файл обмена принадлежит пользователю {}: войдите на этом компьютере под этим пользователем",
                    body.login
                ),
            ));
        }
        let (server, token) = self.session()?;
        let http = client(self.link.ca_file.as_deref())?;
        let mut report = SyncReport::default();
        let mut results = Vec::new();
        for batch in body.ops.chunks(PUSH_BATCH) {
            let reply: PushResponse = {
                let r = post(
                    &http,
                    &server,
                    Some(&token),
                    "/sync/push",
                    &PushRequest {
                        ops: batch.to_vec(),
                    },
                );
                self.contact(r)?
            };
            for r in &reply.results {
                match &r.outcome {
                    OpOutcome::Applied { .. } => report.applied += 1,
                    OpOutcome::Duplicate { .. } => report.duplicates += 1,
                    _ => report.refused += 1,
                }
            }
            report.pushed += reply.results.len() as u64;
            results.extend(reply.results);
        }
        let mut changes = Vec::new();
        let mut after = body.after;
        let server_reference = loop {
            let page: PullPage = {
                let r = get(
                    &http,
                    &server,
                    &token,
                    "/sync/pull",
                    &[
                        ("after", after.to_string()),
                        ("limit", PULL_LIMIT.to_string()),
                        // What is carried to the offline device counts as sent to it (its
                        // later corrections of these values are then sequential edits).
                        ("device", body.device_id.to_string()),
                    ],
                );
                self.contact(r)?
            };
            report.pulled += page.changes.len() as u64;
            changes.extend(page.changes);
            after = page.next_after;
            if !page.has_more {
                break page.reference_version;
            }
        };
        // The snapshot goes along when some op was refused (the offline copy must show the
        // server's values) or the administrator changed reference data since the copy's last
        // import (students, loads, lessons): as a network sync would fetch it.
        let snapshot = if report.refused > 0 || server_reference != body.reference_version {
            let r = get(
                &http,
                &server,
                &token,
                "/sync/snapshot",
                &[("device", body.device_id.to_string())],
            );
            Some(self.contact(r)?)
        } else {
            None
        };
        write_sealed(
            answer,
            &AnswerBody {
                format: ANSWER_FORMAT.into(),
                protocol: PROTOCOL_VERSION,
                device_id: body.device_id,
                user_id: body.user_id,
                created_at: now_utc(),
                ops: body.ops,
                results,
                changes,
                next_after: after,
                snapshot,
            },
        )?;
        Ok(report)
    }

    /// On the offline PC: applies an answer file exactly as a network sync applies the server's
    /// replies — op outcomes, conflicts and refusals, then the pulled changes.
    pub fn import_bundle_answer(&mut self, answer: &Path) -> Result<SyncReport, ApiError> {
        let body: AnswerBody = read_sealed(answer, ANSWER_FORMAT)?;
        if body.device_id != self.store.device_id() {
            return Err(ApiError::new(
                "bundle_other_device",
                "Файл ответа сделан для другого компьютера",
            ));
        }
        let mut report = SyncReport::default();
        // Only ops this device still has pending: an answer imported twice changes nothing.
        let pending = self.store.pending_ops()?;
        let answered: Vec<Op> = body
            .ops
            .iter()
            .filter(|o| pending.iter().any(|p| p.op_id == o.op_id))
            .cloned()
            .collect();
        let results: Vec<OpResult> = body
            .results
            .iter()
            .filter(|r| answered.iter().any(|o| o.op_id == r.op_id))
            .cloned()
            .collect();
        self.apply_results(&answered, &results, &mut report)?;
        let cursor = self.store.sync_cursor()?;
        if body.next_after > cursor {
            let fresh: Vec<Change> = body
                .changes
                .into_iter()
                .filter(|c| c.server_seq > cursor)
                .collect();
            self.apply_changes(&fresh, body.next_after, &mut report)?;
        }
        let local_reference = self.store.reference_version()?;
        if let Some(snap) = body
            .snapshot
            .filter(|s| report.refused > 0 || s.reference_version != local_reference)
        {
            self.import_server_snapshot(&snap)?;
        }
        report.pending = self.store.counts()?.pending_ops;
        report.open_conflicts = self.store.counts()?.open_conflicts;
        Ok(report)
    }

    /// Changes the user's password on the server (needs an online session), then re-encrypts the
    /// local copy with a key derived from the new password and a fresh salt.
    pub fn change_password(&mut self, old: &str, new: &str) -> Result<(), ApiError> {
        let (server, token) = self.session()?;
        let key_path = self.link.key_file.clone().ok_or_else(|| {
            ApiError::new(
                "not_signed_in_online",
                "Пароль меняется после входа через сервер",
            )
        })?;
        let current = KeyFile::load(&key_path)?
            .ok_or_else(|| ApiError::new("key_file_invalid", "Нет файла параметров ключа"))?;
        let http = client(self.link.ca_file.as_deref())?;
        // Fetched before the change, while this session surely stands: the new key is wrapped
        // under it too (see [`escrow`]).
        let secret = post::<_, escrow::DeviceSecret>(
            &http,
            &server,
            Some(&token),
            "/auth/device-secret",
            &serde_json::json!({}),
        )
        .ok();
        let resp = http
            .post(api_url(&server, "/auth/password"))
            .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string())
            .bearer_auth(&token)
            .json(&serde_json::json!({ "old_password": old, "new_password": new }))
            .send()
            .map_err(unreachable);
        let resp = self.contact(resp)?;
        if !resp.status().is_success() {
            return read_json::<serde_json::Value>(resp).map(|_| ());
        }
        let mut next = KeyFile::new(&current.login, current.kdf);
        next.server_url = current.server_url.clone();
        next.server_ca = current.server_ca.clone();
        let key = next.derive(new)?;
        next.key_check = Some(key_check(&key));
        next.escrow = secret.map(|s| {
            escrow::Escrow::wrap(
                &key,
                &s.secret,
                self.store.device_id(),
                hex::encode(self.store.device_public_key()),
            )
        });
        let new_path = key_path.with_file_name(NEW_KEY_FILE);
        next.save(&new_path)?;
        self.store.rekey(&key)?;
        std::fs::rename(&new_path, &key_path)?;
        Ok(())
    }

    /// The key file of this copy, if it was opened by a sign-in.
    pub fn key_file_path(&self) -> Option<&Path> {
        self.link.key_file.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_kdf_is_the_real_cost() {
        assert_eq!(
            KdfParams::default(),
            KdfParams {
                m_kib: 19456,
                t: 2,
                p: 1
            },
            "the default Argon2id cost is m=19 MiB, t=2, p=1"
        );
    }

    #[test]
    fn the_key_depends_on_password_and_salt() {
        let light = KdfParams {
            m_kib: 64,
            t: 1,
            p: 1,
        };
        let a = derive_key("пароль", "00112233445566778899aabbccddeeff", light).expect("derives");
        let b = derive_key("пароль", "00112233445566778899aabbccddeeff", light).expect("derives");
        let c = derive_key("пароль2", "00112233445566778899aabbccddeeff", light).expect("derives");
        let d = derive_key("пароль", "ffeeddccbbaa99887766554433221100", light).expect("derives");
        assert_eq!(a, b, "the same password and salt give the same key");
        assert_ne!(a, c, "another password gives another key");
        assert_ne!(a, d, "another salt gives another key");
    }

    #[test]
    fn a_changed_bundle_is_refused() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("b.json");
        write_sealed(&path, &serde_json::json!({"format": ANSWER_FORMAT, "x": 1})).expect("writes");
        let text = std::fs::read_to_string(&path).expect("reads");
        std::fs::write(&path, text.replace("\"x\":1", "\"x\":2")).expect("tampers");
        let err = read_sealed::<serde_json::Value>(&path, ANSWER_FORMAT).expect_err("refused");
        assert_eq!(
            err.code, "bundle_corrupt",
            "a changed file fails its checksum"
        );
    }
}
