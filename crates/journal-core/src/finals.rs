//! Period finals (итоговые отметки).

use serde::{Deserialize, Serialize};

/// A final for a period: 2–5, зачёт, незачёт, н/а (не аттестован), or deferred for illness (отсрочка).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FinalValue {
    Mark { value: crate::MarkValue },
    Pass,
    Fail,
    NotAttested,
    Deferred,
}

impl FinalValue {
    pub fn symbol(&self) -> String {
        match self {
            FinalValue::Mark { value } => value.get().to_string(),
            FinalValue::Pass => "зачёт".into(),
            FinalValue::Fail => "незачёт".into(),
            FinalValue::NotAttested => "н/а".into(),
            FinalValue::Deferred => "отсрочка".into(),
        }
    }
}
