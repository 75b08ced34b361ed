//! E-mail notices of new messages (`serve --smtp URL`; digests of marks: `mark_notices`): a user with an e-mail address gets «новое
//! сообщение» and the sender's name, nothing more (no text, no subject: personal data stays in the
//! journal). Sent in the background: a slow or failing mail server never delays or fails the
//! message; a failure is logged.

use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::Body;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// Where notices go out: an SMTP URL (`smtp://host:25`, `smtps://user:password@host`,
/// `smtp://host:587?tls=required`) and the sender's address.
#[derive(Debug, Clone)]
pub struct Smtp {
    pub url: String,
    pub from: String,
}

/// The notice's text.
pub fn notice_text(sender: &str) -> String {
    format!(
        "Здравствуйте!\n\nНовое сообщение от:\n{sender}\n\nПрочитать и ответить можно\nв электронном журнале,\nв разделе «Сообщения».\n"
    )
}

/// Sends a notice to `to` in the background.
pub fn spawn(smtp: &Smtp, to: String, sender: String) {
    let smtp = smtp.clone();
    tokio::spawn(async move {
        if let Err(e) = send(&smtp, &to, &sender).await {
            tracing::warn!(error = %e, "e-mail notice not sent");
        }
    });
}

async fn send(smtp: &Smtp, to: &str, sender: &str) -> Result<(), String> {
    send_text(
        smtp,
        to,
        "Новое сообщение в электронном журнале",
        notice_text(sender),
    )
    .await
}

/// Sends one plain-text letter (a notice or a digest of marks, `mark_notices`).
pub async fn send_text(smtp: &Smtp, to: &str, subject: &str, text: String) -> Result<(), String> {
    // As typed (8-bit, short lines) where it fits: mail servers take it and it reads as is;
    // otherwise (a very long name) lettre's own encoding.
    let body = Body::new_with_encoding(text.clone(), ContentTransferEncoding::EightBit)
        .unwrap_or_else(|_| Body::new(text));
    let message = Message::builder()
        .from(smtp.from.parse().map_err(|e| format!("from: {e}"))?)
        .to(to.parse().map_err(|e| format!("to: {e}"))?)
        .subject(subject)
        .header(ContentType::TEXT_PLAIN)
        .body(body)
        .map_err(|e| e.to_string())?;
    let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&smtp.url)
        .map_err(|e| e.to_string())?
        .timeout(Some(std::time::Duration::from_secs(20)))
        .build();
    transport.send(message).await.map_err(|e| e.to_string())?;
    Ok(())
}
