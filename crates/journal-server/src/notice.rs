//! E-mail notices of new messages (digests of marks: `mark_notices`): a user with an e-mail address
//! gets «новое сообщение» and the sender's name, nothing more (no text, no subject: personal data
//! stays in the journal). Sent in the background: a slow or failing mail server never delays or
//! fails the message; a failure is logged.
//!
//! Each institution's letters go through its own mail server where its administrator keeps one
//! (`smtp_routes`, [`SmtpSetting`]), else through the server's `serve --smtp` ([`Smtp`]); with
//! neither, nothing is sent ([`outgoing_for`]).

use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::Body;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use journal_core::InstitutionId;

use crate::AppState;

/// The server's default mail server (`serve --smtp`): an SMTP URL (`smtp://host:25`,
/// `smtps://user:password@host`, `smtp://host:587?tls=required`) and the sender's address.
#[derive(Debug, Clone)]
pub struct Smtp {
    pub url: String,
    pub from: String,
}

/// How an institution's own mail server is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// Plain text (a relay in the institution's own network).
    None,
    /// STARTTLS, required (port 587).
    StartTls,
    /// TLS from the first byte (port 465).
    Tls,
}

/// An institution's own mail server, kept by its administrator (migration 0028).
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpSetting {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    /// Empty: the server takes letters without signing in.
    pub login: String,
    /// Never answered by a route nor written to the audit or a log.
    pub password: String,
    pub sender: String,
}

impl std::fmt::Debug for SmtpSetting {
    // The password stays out of every log line.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSetting")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("login", &self.login)
            .field("sender", &self.sender)
            .finish_non_exhaustive()
    }
}

/// Where one institution's letters go out.
#[derive(Debug, Clone)]
pub enum Outgoing {
    /// The server's `--smtp`.
    Default(Smtp),
    /// The institution's own.
    Own(SmtpSetting),
}

/// Why a letter was not sent, in words an administrator can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    #[error("Адрес отправителя «{0}» не является адресом электронной почты")]
    BadSender(String),
    #[error("Адрес получателя «{0}» не является адресом электронной почты")]
    BadRecipient(String),
    #[error("Письмо не составлено: {0}")]
    Letter(String),
    #[error("Почтовый сервер не отвечает или не принимает соединения ({0})")]
    Unreachable(String),
    #[error("Почтовый сервер не ответил вовремя")]
    Timeout,
    #[error("Защищённое соединение с почтовым сервером не установлено ({0})")]
    Tls(String),
    #[error("Почтовый сервер не принял логин или пароль ({0})")]
    Credentials(String),
    #[error("Почтовый сервер временно отказал ({0}); попробуйте позже")]
    Transient(String),
    #[error("Почтовый сервер отказал ({0})")]
    Refused(String),
}

impl SendError {
    /// A stable code for clients.
    pub fn code(&self) -> &'static str {
        match self {
            SendError::BadSender(_) => "smtp_bad_sender",
            SendError::BadRecipient(_) => "smtp_bad_recipient",
            SendError::Letter(_) => "smtp_letter",
            SendError::Unreachable(_) => "smtp_unreachable",
            SendError::Timeout => "smtp_timeout",
            SendError::Tls(_) => "smtp_tls",
            SendError::Credentials(_) => "smtp_credentials",
            SendError::Transient(_) => "smtp_transient",
            SendError::Refused(_) => "smtp_refused",
        }
    }

    fn of(e: lettre::transport::smtp::Error) -> SendError {
        let text = e.to_string();
        let code = e.status().map(|c| c.to_string());
        if e.is_timeout() {
            SendError::Timeout
        } else if e.is_tls() {
            SendError::Tls(text)
        } else if matches!(code.as_deref(), Some("535" | "534" | "530" | "454")) {
            SendError::Credentials(text)
        } else if e.is_transient() {
            SendError::Transient(text)
        } else if e.is_permanent() || e.is_response() {
            SendError::Refused(text)
        } else {
            SendError::Unreachable(text)
        }
    }
}

impl Outgoing {
    fn sender(&self) -> &str {
        match self {
            Outgoing::Default(s) => &s.from,
            Outgoing::Own(s) => &s.sender,
        }
    }

    fn transport(&self) -> Result<AsyncSmtpTransport<Tokio1Executor>, SendError> {
        let builder = match self {
            Outgoing::Default(s) => AsyncSmtpTransport::<Tokio1Executor>::from_url(&s.url)
                .map_err(|e| SendError::Unreachable(e.to_string()))?,
            Outgoing::Own(s) => {
                let tls = match s.security {
                    SmtpSecurity::None => Tls::None,
                    SmtpSecurity::StartTls => Tls::Required(
                        TlsParameters::new(s.host.clone())
                            .map_err(|e| SendError::Tls(e.to_string()))?,
                    ),
                    SmtpSecurity::Tls => Tls::Wrapper(
                        TlsParameters::new(s.host.clone())
                            .map_err(|e| SendError::Tls(e.to_string()))?,
                    ),
                };
                let mut b = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&s.host)
                    .port(s.port)
                    .tls(tls);
                if !s.login.is_empty() {
                    b = b.credentials(Credentials::new(s.login.clone(), s.password.clone()));
                }
                b
            }
        };
        Ok(builder
            .timeout(Some(std::time::Duration::from_secs(20)))
            .build())
    }
}

/// Where `inst`'s letters go out: its own mail server, else the server's default; `None` when
/// neither is set (or its own cannot be read: a notice is never worth failing a request).
pub async fn outgoing_for(state: &AppState, inst: InstitutionId) -> Option<Outgoing> {
    match state.storage.smtp_setting(inst).await {
        Ok(Some(own)) => Some(Outgoing::Own(own)),
        Ok(None) => state.config.smtp.clone().map(Outgoing::Default),
        Err(e) => {
            tracing::warn!(error = %e, "the institution's mail server not read");
            None
        }
    }
}

/// The notice's text.
pub fn notice_text(sender: &str) -> String {
    format!(
        "Здравствуйте!\n\nНовое сообщение от:\n{sender}\n\nПрочитать и ответить можно\nв электронном журнале,\nв разделе «Сообщения».\n"
    )
}

/// Sends a notice to `to` in the background.
pub fn spawn(outgoing: Outgoing, to: String, sender: String) {
    tokio::spawn(async move {
        if let Err(e) = send_text(
            &outgoing,
            &to,
            "Новое сообщение в электронном журнале",
            notice_text(&sender),
        )
        .await
        {
            tracing::warn!(error = %e, "e-mail notice not sent");
        }
    });
}

/// Sends one plain-text letter (a notice, a digest of marks, the administrator's test letter).
pub async fn send_text(
    outgoing: &Outgoing,
    to: &str,
    subject: &str,
    text: String,
) -> Result<(), SendError> {
    // As typed (8-bit, short lines) where it fits: mail servers take it and it reads as is;
    // otherwise (a very long name) lettre's own encoding.
    let body = Body::new_with_encoding(text.clone(), ContentTransferEncoding::EightBit)
        .unwrap_or_else(|_| Body::new(text));
    let from = outgoing.sender();
    let message = Message::builder()
        .from(
            from.parse()
                .map_err(|_| SendError::BadSender(from.to_string()))?,
        )
        .to(to
            .parse()
            .map_err(|_| SendError::BadRecipient(to.to_string()))?)
        .subject(subject)
        .header(ContentType::TEXT_PLAIN)
        .body(body)
        .map_err(|e| SendError::Letter(e.to_string()))?;
    outgoing
        .transport()?
        .send(message)
        .await
        .map_err(SendError::of)?;
    Ok(())
}
