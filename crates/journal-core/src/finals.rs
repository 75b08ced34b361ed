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

/// Parses a final as typed: «2»–«5», «зачёт»/«зачет»/«зач»/«зач.», «незачёт»/«незачет»/«незач»/«незач.»,
/// «н/а»/«на»/«н.а.», «отсрочка»/«отср»/«отср.». Case-insensitive; anything else is refused.
pub fn parse_final(input: &str) -> Result<FinalValue, crate::RuleError> {
    let normalised: String = input
        .trim()
        .to_lowercase()
        .replace('ё', "е")
        .chars()
        // Latin lookalikes typed with the wrong layout/font: «a» in «н/a».
        .map(|c| if c == 'a' { 'а' } else { c })
        .collect();
    let value = match normalised.as_str() {
        "2" | "3" | "4" | "5" => {
            let v: u8 = normalised
                .parse()
                .map_err(|_| crate::RuleError::InvalidFinalValue(input.trim().to_string()))?;
            FinalValue::Mark {
                value: crate::MarkValue::new(v)?,
            }
        }
        "зачет" | "зач" | "зач." | "зачтено" => FinalValue::Pass,
        "незачет" | "незач" | "незач." | "не зачтено" | "незачтено" => {
            FinalValue::Fail
        }
        "н/а" | "на" | "н.а." | "н/а." | "не аттестован" | "неаттестован" => {
            FinalValue::NotAttested
        }
        "отсрочка" | "отср" | "отср." => FinalValue::Deferred,
        _ => {
            return Err(crate::RuleError::InvalidFinalValue(
                input.trim().to_string(),
            ))
        }
    };
    Ok(value)
}

/// The period's average mark over all marks in the cells (a double mark 5/4 counts as two marks;
/// absences do not count). `None` when there is no mark.
pub fn average(marks: &[crate::CellValue]) -> Option<f64> {
    let (sum, count) = marks
        .iter()
        .flat_map(|c| c.marks())
        .fold((0u32, 0u32), |(s, n), m| (s + u32::from(m.get()), n + 1));
    (count > 0).then(|| f64::from(sum) / f64::from(count))
}

/// Suggests the period final from the period's cells: the average rounded half up (3,5 → 4), computed
/// in integers so that 3,5 is exactly 3,5. `None` when there is no mark: the teacher decides (н/а, отсрочка).
pub fn suggest_final(marks: &[crate::CellValue]) -> Option<FinalValue> {
    let (sum, count) = marks
        .iter()
        .flat_map(|c| c.marks())
        .fold((0u32, 0u32), |(s, n), m| (s + u32::from(m.get()), n + 1));
    if count == 0 {
        return None;
    }
    // round(sum / count) half up == floor((2*sum + count) / (2*count))
    let rounded = (2 * sum + count) / (2 * count);
    let value = crate::MarkValue::new(u8::try_from(rounded).ok()?).ok()?;
    Some(FinalValue::Mark { value })
}
