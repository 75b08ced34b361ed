//! Identifiers. Every entity id is a UUID so that rows made on the server and on devices never clash.

use uuid::Uuid;

macro_rules! id_type {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { self.0.fmt(f) }
        }
        impl std::str::FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> { Uuid::parse_str(s).map(Self) }
        }
    )*};
}

id_type!(
    /// An institution (school or college); every row carries one.
    InstitutionId,
    UserId,
    StudentId,
    GroupId,
    SubgroupId,
    SubjectId,
    /// Teaching load: teacher × group × subject (× subgroup), with dates.
    LoadId,
    LessonId,
    PeriodId,
    TopicId,
    DeviceId,
    OpId,
    /// A room (кабинет, аудитория) the institution keeps in its reference data.
    RoomId,
    /// A work of the schedule of control works (график контрольных работ, ВТК).
    ControlWorkId,
);
