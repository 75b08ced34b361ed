//! Criteria of a control work (критерии оценивания): the least points for «5», «4» and «3» out of
//! the work's maximum. The deputy keeps them with each work of the ВТК schedule (001 «Заместитель
//! директора» п. 6: «сводный график контрольных работ … с учетом формы контроля»); the teacher types
//! a student's points and gets the mark the criteria give, so every group writing the same ВТК work
//! is marked by the same scale.

use serde::{Deserialize, Serialize};

use crate::{MarkValue, RuleError};

/// The largest maximum a work may have: a test of a thousand points is a typing error.
pub const MAX_POINTS: u16 = 1000;

/// Points thresholds of a control work: a student with at least `five` of `max_points` gets «5»,
/// at least `four` «4», at least `three` «3», fewer «2».
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MarkCriteria {
    pub max_points: u16,
    pub five: u16,
    pub four: u16,
    pub three: u16,
}

impl MarkCriteria {
    /// The thresholds rise from «3» to «5» and fit the maximum.
    pub fn check(&self) -> Result<(), RuleError> {
        let fits = (1..=MAX_POINTS).contains(&self.max_points)
            && 0 < self.three
            && self.three < self.four
            && self.four < self.five
            && self.five <= self.max_points;
        if fits {
            Ok(())
        } else {
            Err(RuleError::InvalidCriteria(self.describe_ru()))
        }
    }

    /// The mark `points` earn; more points than the work has is a typing error.
    pub fn mark_for(&self, points: u16) -> Result<MarkValue, RuleError> {
        self.check()?;
        if points > self.max_points {
            return Err(RuleError::PointsOverMaximum {
                points,
                max: self.max_points,
            });
        }
        let mark = if points >= self.five {
            5
        } else if points >= self.four {
            4
        } else if points >= self.three {
            3
        } else {
            2
        };
        MarkValue::new(mark)
    }

    /// «„5“ — от 18, „4“ — от 14, „3“ — от 10 баллов из 20», as printed and shown in the app.
    pub fn describe_ru(&self) -> String {
        format!(
            "«5» — от {}, «4» — от {}, «3» — от {} баллов из {}",
            self.five, self.four, self.three, self.max_points
        )
    }
}

/// Points typed into a mark's cell: «=17» is 17 points, to be turned into the mark by the lesson's
/// criteria (`None`: the text is a cell value, not points).
pub fn points_in(input: &str) -> Option<Result<u16, RuleError>> {
    let rest = input.trim().strip_prefix('=')?;
    let digits = rest.trim();
    Some(
        digits
            .parse::<u16>()
            .ok()
            .filter(|_| !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()))
            .ok_or_else(|| RuleError::InvalidCellValue(input.trim().to_string())),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn twenty() -> MarkCriteria {
        MarkCriteria {
            max_points: 20,
            five: 18,
            four: 14,
            three: 10,
        }
    }

    #[test]
    fn points_give_the_mark_of_the_highest_threshold_reached() {
        let c = twenty();
        let marks: Vec<u8> = [0, 9, 10, 13, 14, 17, 18, 20]
            .iter()
            .map(|p| c.mark_for(*p).map(MarkValue::get).unwrap_or(0))
            .collect();
        assert_eq!(
            marks,
            vec![2, 2, 3, 3, 4, 4, 5, 5],
            "each threshold is the least points of its mark"
        );
    }

    #[test]
    fn points_are_typed_after_an_equals_sign() {
        assert_eq!(points_in("=17"), Some(Ok(17)));
        assert_eq!(points_in(" = 9 "), Some(Ok(9)));
        assert_eq!(points_in("5"), None, "a mark is not points");
        assert_eq!(points_in("н"), None);
        for bad in ["=", "=x", "=-3", "=1.5", "=99999"] {
            assert_eq!(
                points_in(bad).map(|r| r.map_err(|e| e.code())),
                Some(Err("invalid_cell_value")),
                "{bad} is refused"
            );
        }
    }

    #[test]
    fn more_points_than_the_work_has_is_refused() {
        let err = twenty().mark_for(21).err();
        assert_eq!(
            err.as_ref().map(RuleError::code),
            Some("points_over_maximum"),
            "21 of 20 is a typing error: {err:?}"
        );
    }

    #[test]
    fn thresholds_must_rise_and_fit_the_maximum() {
        let bad = [
            MarkCriteria {
                four: 18,
                ..twenty()
            },
            MarkCriteria {
                five: 21,
                ..twenty()
            },
            MarkCriteria {
                three: 0,
                ..twenty()
            },
            MarkCriteria {
                max_points: 0,
                ..twenty()
            },
            MarkCriteria {
                max_points: MAX_POINTS + 1,
                five: MAX_POINTS,
                ..twenty()
            },
        ];
        for c in bad {
            assert_eq!(
                c.check().err().as_ref().map(RuleError::code),
                Some("invalid_criteria"),
                "{c:?} is refused"
            );
            assert!(
                c.mark_for(1).is_err(),
                "no mark from refused criteria {c:?}"
            );
        }
        assert_eq!(twenty().check(), Ok(()));
        assert!(
            twenty().describe_ru().contains("«5» — от 18"),
            "{}",
            twenty().describe_ru()
        );
    }
}
