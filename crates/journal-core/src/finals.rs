//! Period finals (итоговые отметки за период).
//!
//! 001 п. 4.10: «Итоговые оценки обучающихся за полугодие записываются символами: 2, 3, 4, 5, зачет,
//! незачет». 001 «Преподаватель» п. 12: «В случае болезни ученика может быть назначена отсрочка
//! выставления ему итоговой оценки». «н/а» (не аттестован) is the journal's usual symbol for a student
//! who cannot be assessed (DESIGN.md, domain); it is a final, never a suggestion.
//!
//! The suggested final is the average of the period's marks rounded by the policy
//! ([`crate::policy::FinalRounding`]; the regulations do not say how to round). Absences do not count;
//! both halves of a double mark 5/4 count; with no mark there is no suggestion — no regulation turns
//! "no marks" into «н/а», the teacher decides (н/а or отсрочка).

use crate::policy::FinalRounding;
use crate::{CellValue, MarkValue, RuleError};
use serde::{Deserialize, Serialize};

/// A final for a period: 2–5, зачёт, незачёт, н/а (не аттестован), or deferred for illness (отсрочка).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FinalValue {
    Mark { value: MarkValue },
    Pass,
    Fail,
    NotAttested,
    Deferred,
}

/// How a subject is assessed: on the five-point scale (2–5), by зачёт/незачёт, or not at all (e.g. a
/// class hour). Kept with the subject (administrator's «Предметы») so that a final that does not
/// fit the subject's scale can be refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GradingScale {
    /// Пятибалльная шкала (001 п. 4.10: 2, 3, 4, 5) — subjects stored before the scale existed.
    #[default]
    FivePoint,
    /// Зачёт / незачёт.
    PassFail,
    /// Both: 2–5 or зачёт/незачёт (a subject whose periods end differently, e.g. зачёт in the first
    /// semester and a дифференцированный зачёт in the second).
    FivePointOrPassFail,
    /// Без отметок.
    Ungraded,
}

impl GradingScale {
    /// Whether a period final fits the scale: 2–5 only on the five-point scale, зачёт/незачёт only
    /// on the pass/fail one, no final at all where the subject is not assessed; н/а and отсрочка fit
    /// any assessed subject.
    pub fn admits(self, value: &FinalValue) -> bool {
        match (self, value) {
            (GradingScale::Ungraded, _) => false,
            (_, FinalValue::NotAttested | FinalValue::Deferred) => true,
            (GradingScale::FivePoint, FinalValue::Mark { .. }) => true,
            (GradingScale::PassFail, FinalValue::Pass | FinalValue::Fail) => true,
            (GradingScale::FivePointOrPassFail, _) => true,
            _ => false,
        }
    }

    /// The scale's name as the console shows it.
    pub fn label(self) -> &'static str {
        match self {
            GradingScale::FivePoint => "пятибалльная",
            GradingScale::PassFail => "зачёт/незачёт",
            GradingScale::FivePointOrPassFail => "пятибалльная и зачёт/незачёт",
            GradingScale::Ungraded => "без отметок",
        }
    }
}

/// Which column of the journal page a final belongs to. The period final is what every regulation
/// names (001 п. 4.10); the exam's mark is kept in its own column where the учебный план ends the
/// period with an exam (экзамен, квалификационный экзамен по ПМ), beside the period final it
/// feeds; the year final (годовая) closes the last period where the institution's policy keeps
/// year finals (`Policy::year_finals`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum FinalColumn {
    #[default]
    Period,
    Exam,
    Year,
}

impl FinalColumn {
    /// For `skip_serializing_if`: a period final's JSON (and a signed op's bytes) stay as they were
    /// before the other columns existed.
    pub fn is_period(&self) -> bool {
        *self == FinalColumn::Period
    }

    /// Stable name, as stored and in URLs: period, exam, year.
    pub fn as_str(self) -> &'static str {
        match self {
            FinalColumn::Period => "period",
            FinalColumn::Exam => "exam",
            FinalColumn::Year => "year",
        }
    }

    pub fn parse(text: &str) -> Option<FinalColumn> {
        Some(match text.trim() {
            "" | "period" => FinalColumn::Period,
            "exam" => FinalColumn::Exam,
            "year" => FinalColumn::Year,
            _ => return None,
        })
    }

    /// The column's heading on the page and in the print.
    pub fn heading_ru(self) -> &'static str {
        match self {
            FinalColumn::Period => "Итог",
            FinalColumn::Exam => "Экзамен",
            FinalColumn::Year => "Год",
        }
    }
}

/// What a final's column needs of the plan and the policy, as the caller knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FinalSlot {
    pub column: FinalColumn,
    /// The subject's grading scale.
    pub scale: GradingScale,
    /// The учебный план ends this period of the group's subject with an exam.
    pub exam_in_period: bool,
    /// The period is the year's last and the policy keeps year finals.
    pub year_final_open: bool,
}

/// Whether `value` may be written into `slot`: the column exists for this load and period, and the
/// value fits the subject's scale. Clearing a value (None) is always allowed where the column exists.
/// One judgement for the app and the server.
pub fn check_final_slot(slot: FinalSlot, value: Option<&FinalValue>) -> Result<(), RuleError> {
    match slot.column {
        FinalColumn::Period => {}
        FinalColumn::Exam if !slot.exam_in_period => return Err(RuleError::NoExamInPeriod),
        FinalColumn::Year if !slot.year_final_open => return Err(RuleError::NoYearFinal),
        FinalColumn::Exam | FinalColumn::Year => {}
    }
    match value {
        Some(v) if !slot.scale.admits(v) => Err(RuleError::FinalOffScale {
            value: v.symbol(),
            scale: slot.scale.label().into(),
        }),
        _ => Ok(()),
    }
}

/// Suggests the year final from the period finals: the average of those that are marks, rounded
/// like a period final; with a зачёт/незачёт scale, «зачёт» when every period was passed and
/// «незачёт» when one was failed. None while a period lacks a final (or has н/а or отсрочка).
pub fn suggest_year_final(
    periods: &[Option<FinalValue>],
    rounding: FinalRounding,
) -> Option<FinalValue> {
    let finals: Vec<FinalValue> = periods.iter().copied().collect::<Option<Vec<_>>>()?;
    if finals.is_empty() {
        return None;
    }
    if finals
        .iter()
        .all(|f| matches!(f, FinalValue::Pass | FinalValue::Fail))
    {
        return Some(if finals.contains(&FinalValue::Fail) {
            FinalValue::Fail
        } else {
            FinalValue::Pass
        });
    }
    let marks: Option<Vec<CellValue>> = finals
        .iter()
        .map(|f| {
            f.mark().map(|value| CellValue {
                entries: vec![crate::CellEntry::Mark { value }],
            })
        })
        .collect();
    suggest_final_with(&marks?, rounding)
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

    /// The mark, for a final on the five-point scale.
    pub fn mark(&self) -> Option<MarkValue> {
        match self {
            FinalValue::Mark { value } => Some(*value),
            _ => None,
        }
    }

    /// What a квалификационный экзамен says of the вид профессиональной деятельности: mastered
    /// («ВПД освоен») at 3 and above or «зачёт», not mastered at 2, «незачёт» or «н/а»; not yet
    /// known (None) while the exam is deferred.
    pub fn masters_module(&self) -> Option<bool> {
        match self {
            FinalValue::Mark { value } => Some(value.get() >= 3),
            FinalValue::Pass => Some(true),
            FinalValue::Fail | FinalValue::NotAttested => Some(false),
            FinalValue::Deferred => None,
        }
    }
}

/// Parses a final as typed, case-insensitive, «ё» = «е», surrounding spaces ignored. Accepted spellings:
/// * «2», «3», «4», «5»;
/// * зачёт: «зачёт», «зачет», «зач», «зач.», «зачтено»;
/// * незачёт: «незачёт», «незачет», «незач», «незач.», «не зачтено», «незачтено»;
/// * н/а: «н/а», «на», «н.а.», «н/a» (Latin a), «не аттестован», «неаттестован»;
/// * отсрочка: «отсрочка», «отср», «отср.».
///
/// «осв.» (освобождён) is not accepted: no regulation lists it, and an exemption is not a deferral.
pub fn parse_final(input: &str) -> Result<FinalValue, RuleError> {
    let invalid = || RuleError::InvalidFinalValue(input.trim().to_string());
    let normalised: String = input
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
        .replace('ё', "е")
        .chars()
        // Latin lookalikes typed with the wrong layout: «н/a», «Ha».
        .map(|c| match c {
            'a' => 'а',
            'h' => 'н',
            _ => c,
        })
        .collect();
    let value = match normalised.as_str() {
        "2" | "3" | "4" | "5" => {
            let v: u8 = normalised.parse().map_err(|_| invalid())?;
            FinalValue::Mark {
                value: MarkValue::new(v).map_err(|_| invalid())?,
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
        _ => return Err(invalid()),
    };
    Ok(value)
}

fn sum_and_count(cells: &[CellValue]) -> (u32, u32) {
    cells
        .iter()
        .flat_map(CellValue::marks)
        .fold((0, 0), |(s, n), m| (s + u32::from(m.get()), n + 1))
}

/// The average of the period's marks (a double mark 5/4 counts as two marks; absences do not count).
/// `None` when there is no mark.
pub fn average(cells: &[CellValue]) -> Option<f64> {
    let (sum, count) = sum_and_count(cells);
    (count > 0).then(|| f64::from(sum) / f64::from(count))
}

/// Suggests the period final from the period's cells with the default rounding (3,5 → 4).
pub fn suggest_final(marks: &[CellValue]) -> Option<FinalValue> {
    suggest_final_with(marks, FinalRounding::HalfUp)
}

/// Suggests the period final with the institution's rounding. Computed in integers so that an average
/// of exactly 3,5 or 3,6 is not lost to floating point.
pub fn suggest_final_with(marks: &[CellValue], rounding: FinalRounding) -> Option<FinalValue> {
    let (sum, count) = sum_and_count(marks);
    if count == 0 {
        return None;
    }
    // The whole part of sum/count goes up when the fraction reaches the threshold:
    // half up: frac ≥ 0.5 ⇔ 10·rem ≥ 5·count; from six tenths: 10·rem ≥ 6·count.
    let (whole, rem) = (sum / count, sum % count);
    let threshold = match rounding {
        FinalRounding::HalfUp => 5,
        FinalRounding::FromSixTenths => 6,
    };
    let rounded = if 10 * rem >= threshold * count {
        whole + 1
    } else {
        whole
    };
    let value = MarkValue::new(u8::try_from(rounded).ok()?).ok()?;
    Some(FinalValue::Mark { value })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{parse_cell, Policy};
    use proptest::prelude::*;

    fn cells(inputs: &[&str]) -> Vec<CellValue> {
        inputs
            .iter()
            .map(|s| parse_cell(s, true, &Policy::default()).expect("valid cell"))
            .collect()
    }

    fn five(v: u8) -> FinalValue {
        FinalValue::Mark {
            value: MarkValue::new(v).expect("2..=5"),
        }
    }

    #[test]
    fn a_final_goes_only_into_a_column_the_plan_and_policy_open() {
        let slot = |column, exam_in_period, year_final_open| FinalSlot {
            column,
            scale: GradingScale::FivePoint,
            exam_in_period,
            year_final_open,
        };
        assert_eq!(
            check_final_slot(slot(FinalColumn::Exam, false, true), Some(&five(5))),
            Err(RuleError::NoExamInPeriod),
            "no exam in the plan: no exam column"
        );
        assert_eq!(
            check_final_slot(slot(FinalColumn::Year, true, false), None),
            Err(RuleError::NoYearFinal),
            "not the last period or no year finals by policy: not even a clearing"
        );
        assert!(check_final_slot(slot(FinalColumn::Exam, true, false), Some(&five(4))).is_ok());
        assert!(check_final_slot(slot(FinalColumn::Year, false, true), Some(&five(4))).is_ok());
        assert!(
            matches!(
                check_final_slot(
                    slot(FinalColumn::Period, false, false),
                    Some(&FinalValue::Pass)
                ),
                Err(RuleError::FinalOffScale { .. })
            ),
            "зачёт on the five-point scale is refused (issue: «зачёт» accepted in Математика)"
        );
        let both = FinalSlot {
            scale: GradingScale::FivePointOrPassFail,
            ..slot(FinalColumn::Period, false, false)
        };
        assert!(check_final_slot(both, Some(&FinalValue::Pass)).is_ok());
        assert!(check_final_slot(both, Some(&five(3))).is_ok());
    }

    #[test]
    fn year_final_is_suggested_from_the_period_finals() {
        let r = FinalRounding::HalfUp;
        assert_eq!(
            suggest_year_final(&[Some(five(4)), Some(five(5))], r),
            Some(five(5))
        );
        assert_eq!(
            suggest_year_final(
                &[Some(five(4)), Some(five(5))],
                FinalRounding::FromSixTenths
            ),
            Some(five(4))
        );
        assert_eq!(
            suggest_year_final(&[Some(five(4)), None], r),
            None,
            "a period without a final"
        );
        assert_eq!(
            suggest_year_final(&[Some(five(4)), Some(FinalValue::Deferred)], r),
            None,
            "a deferred period: the teacher decides"
        );
        assert_eq!(
            suggest_year_final(&[Some(FinalValue::Pass), Some(FinalValue::Fail)], r),
            Some(FinalValue::Fail)
        );
        assert_eq!(
            suggest_year_final(&[Some(FinalValue::Pass), Some(FinalValue::Pass)], r),
            Some(FinalValue::Pass)
        );
        assert_eq!(
            FinalColumn::parse(FinalColumn::Exam.as_str()),
            Some(FinalColumn::Exam)
        );
    }

    #[test]
    fn final_symbols_are_accepted() {
        // 001 п. 4.10: «Итоговые оценки … записываются символами: 2, 3, 4, 5, зачет, незачет».
        for (s, want) in [
            ("2", "2"),
            ("5", "5"),
            ("зачёт", "зачёт"),
            ("Зачет", "зачёт"),
            ("зач.", "зачёт"),
            ("незачёт", "незачёт"),
            ("НЕЗАЧ", "незачёт"),
            ("не  зачтено", "незачёт"),
            ("н/а", "н/а"),
            ("Н/А", "н/а"),
            ("н/a", "н/а"),
            ("отсрочка", "отсрочка"),
            ("отср.", "отсрочка"),
        ] {
            let v =
                parse_final(s).unwrap_or_else(|e| panic!("001 п. 4.10: «{s}» is a final, got {e}"));
            assert_eq!(
                v.symbol(),
                want,
                "001 п. 4.10 / «Преподаватель» п. 12: «{s}» reads as «{want}»"
            );
        }
    }

    #[test]
    fn anything_else_is_refused() {
        for s in [
            "",
            "1",
            "6",
            "5/4",
            "н",
            "б",
            "осв",
            "4+",
            "зачётик",
            "отлично",
        ] {
            let e = parse_final(s).expect_err(&format!("«{s}» is not a final"));
            assert_eq!(
                e.code(),
                "invalid_final_value",
                "«{s}» → invalid_final_value"
            );
        }
    }

    #[test]
    fn suggestion_is_the_rounded_average_of_marks_only() {
        let suggest = |i: &[&str]| suggest_final(&cells(i)).map(|f| f.symbol());
        assert_eq!(
            suggest(&["5", "4", "н", "б"]),
            Some("5".into()),
            "4,5 rounds up; absences do not count"
        );
        assert_eq!(
            suggest(&["3", "4"]),
            Some("4".into()),
            "3,5 → 4 with half-up rounding"
        );
        assert_eq!(suggest(&["3", "3", "4"]), Some("3".into()), "3,33 → 3");
        assert_eq!(
            suggest(&["5/4", "3"]),
            Some("4".into()),
            "001 п. 4.9: both halves of 5/4 count: 12/3 = 4"
        );
        assert_eq!(
            suggest(&["н 2", "2", "3"]),
            Some("2".into()),
            "a make-up mark counts: 7/3 = 2,33"
        );
        assert_eq!(
            suggest(&["н", "б", ""]),
            None,
            "no marks: no suggestion, the teacher decides"
        );
        assert_eq!(suggest(&[]), None, "no cells: no suggestion");
        let strict = |i: &[&str]| {
            suggest_final_with(&cells(i), FinalRounding::FromSixTenths).map(|f| f.symbol())
        };
        assert_eq!(
            strict(&["3", "4"]),
            Some("3".into()),
            "policy «from ,6»: 3,5 → 3"
        );
        assert_eq!(
            strict(&["3", "4", "4", "4", "3"]),
            Some("4".into()),
            "policy «from ,6»: 3,6 → 4"
        );
        assert_eq!(
            average(&cells(&["5/4", "3"])),
            Some(4.0),
            "average over three marks"
        );
    }

    proptest! {
        // Rules combined: cell symbols, double marks, absences and the rounding of the average.
        #[test]
        fn suggestion_lies_between_min_and_max_and_ignores_absences(
            marks in prop::collection::vec(2u8..=5, 1..40),
            absences in 0usize..10,
            rounding in prop::sample::select(vec![FinalRounding::HalfUp, FinalRounding::FromSixTenths]),
        ) {
            let mut cs: Vec<CellValue> = marks.iter().map(|m| cells(&[&m.to_string()]).remove(0)).collect();
            let base = suggest_final_with(&cs, rounding);
            cs.extend(std::iter::repeat_n(cells(&["н"]).remove(0), absences));
            let with_absences = suggest_final_with(&cs, rounding);
            prop_assert_eq!(base, with_absences, "absences never change the suggestion");
            let got = base.and_then(|f| f.mark()).map(MarkValue::get).expect("marks give a suggestion");
            let (lo, hi) = (*marks.iter().min().expect("non-empty"), *marks.iter().max().expect("non-empty"));
            prop_assert!(lo <= got && got <= hi, "suggestion {got} within [{lo}, {hi}]");
            let avg = marks.iter().map(|&m| f64::from(m)).sum::<f64>() / marks.len() as f64;
            prop_assert!((f64::from(got) - avg).abs() <= 0.6, "suggestion {got} is the rounded average {avg}");
        }
    }

    #[test]
    fn a_final_must_fit_the_subjects_scale() {
        let five = parse_final("5").expect("5 is a final");
        let pass = parse_final("зачёт").expect("зачёт is a final");
        let na = parse_final("н/а").expect("н/а is a final");
        assert!(
            GradingScale::FivePoint.admits(&five),
            "5 in a five-point subject"
        );
        assert!(
            !GradingScale::FivePoint.admits(&pass),
            "no зачёт as a final in a five-point subject"
        );
        assert!(
            GradingScale::PassFail.admits(&pass),
            "зачёт in a pass/fail subject"
        );
        assert!(
            !GradingScale::PassFail.admits(&five),
            "no 5 in a pass/fail subject"
        );
        assert!(
            GradingScale::FivePoint.admits(&na) && GradingScale::PassFail.admits(&na),
            "н/а fits any assessed subject"
        );
        assert!(
            !GradingScale::Ungraded.admits(&na),
            "no final where nothing is assessed"
        );
        assert_eq!(
            GradingScale::default(),
            GradingScale::FivePoint,
            "old subjects are five-point"
        );
    }

    #[test]
    fn a_qualifying_exam_masters_the_module_from_three_or_a_pass() {
        let mark = |v| FinalValue::Mark {
            value: MarkValue::new(v).expect("a mark"),
        };
        for (value, mastered) in [
            (mark(5), Some(true)),
            (mark(3), Some(true)),
            (mark(2), Some(false)),
            (FinalValue::Pass, Some(true)),
            (FinalValue::Fail, Some(false)),
            (FinalValue::NotAttested, Some(false)),
            (FinalValue::Deferred, None),
        ] {
            assert_eq!(value.masters_module(), mastered, "{}", value.symbol());
        }
    }
}
