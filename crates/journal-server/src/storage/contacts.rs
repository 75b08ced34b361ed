//! Contact data of students and their parents (migration 0017): personal data the server keeps for
//! the administration and the curator, never sent to a device. A supertrait of
//! [`super::Storage`], implemented by both backends (`sqlite/contacts.rs`, `postgres/contacts.rs`).

use async_trait::async_trait;
use chrono::NaiveDateTime;
use journal_core::{InstitutionId, StudentId, UserId};

use crate::error::StorageError;

/// Whose contact data a row holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactOf {
    Student,
    /// A parent user, for the child of the row.
    Parent(UserId),
}

/// One person's contact data, kept for one student.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub of: ContactOf,
    pub student_id: StudentId,
    /// For a parent: «мать», «отец», «опекун»…; empty for the student.
    pub relation: String,
    pub phone: String,
    pub email: String,
    pub address: String,
    /// UTC.
    pub updated_at: NaiveDateTime,
    pub updated_by: UserId,
}

#[async_trait]
pub trait ContactStorage: Send + Sync {
    /// Every contact row kept for the student (theirs and their parents').
    async fn contacts_of(
        &self,
        institution_id: InstitutionId,
        student_id: StudentId,
    ) -> Result<Vec<Contact>, StorageError>;

    /// Writes (replaces) one row.
    async fn set_contact(
        &self,
        institution_id: InstitutionId,
        contact: Contact,
    ) -> Result<(), StorageError>;
}

/// The columns both backends keep a contact in, in this order.
pub(crate) const COLUMNS: &str =
    "person_kind, person_id, student_id, relation, phone, email, address, updated_at, updated_by";

/// A contact's row as text, in [`COLUMNS`] order.
pub(crate) fn to_columns(c: &Contact) -> [String; 9] {
    let (kind, person) = match c.of {
        ContactOf::Student => ("student".to_string(), c.student_id.to_string()),
        ContactOf::Parent(u) => ("parent".to_string(), u.to_string()),
    };
    [
        kind,
        person,
        c.student_id.to_string(),
        c.relation.clone(),
        c.phone.clone(),
        c.email.clone(),
        c.address.clone(),
        super::sqlite::time_text(&c.updated_at),
        c.updated_by.to_string(),
    ]
}

/// The contact of a row read in [`COLUMNS`] order.
pub(crate) fn from_columns(row: [String; 9]) -> Result<Contact, StorageError> {
    use super::sqlite::{parse_id, parse_time};
    let [kind, person, student, relation, phone, email, address, at, by] = row;
    let of = match kind.as_str() {
        "student" => ContactOf::Student,
        "parent" => ContactOf::Parent(parse_id(&person)?),
        other => return Err(StorageError::Corrupt(format!("вид контакта «{other}»"))),
    };
    Ok(Contact {
        of,
        student_id: parse_id(&student)?,
        relation,
        phone,
        email,
        address,
        updated_at: parse_time(&at)?,
        updated_by: parse_id(&by)?,
    })
}
