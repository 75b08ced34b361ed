//! Execution of the curriculum (КТП) for a load. 001 п. 6.10: «преподаватель … производит запись:
//! «Программа выполнена» и указывает число проведенных уроков/занятий «по плану» и «фактически» или
//! «Не пройдены следующие темы...»»; 001 заместитель п. 13: «отчетности о выполнении учебных планов».

use crate::TopicId;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// How a load's plan was carried out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgramExecution {
    /// Hours по плану.
    pub planned_hours: u32,
    /// Hours фактически (hours of the lessons given).
    pub actual_hours: u32,
    /// КТП topics not given at any lesson, in plan order.
    pub not_covered: Vec<TopicId>,
}

impl ProgramExecution {
    /// «Программа выполнена»: every topic given and the planned hours reached.
    pub fn is_complete(&self) -> bool {
        self.not_covered.is_empty() && self.actual_hours >= self.planned_hours
    }

    /// The record's first line in the regulation's words.
    pub fn verdict_ru(&self) -> &'static str {
        if self.is_complete() {
            "Программа выполнена"
        } else if self.not_covered.is_empty() {
            "Программа выполнена не в полном объёме часов"
        } else {
            "Не пройдены следующие темы"
        }
    }
}

/// Compares the plan (topic ids in plan order) with the topics recorded at the lessons given.
pub fn execution(
    planned_hours: u32,
    plan: &[TopicId],
    covered: &[TopicId],
    actual_hours: u32,
) -> ProgramExecution {
    let covered: HashSet<&TopicId> = covered.iter().collect();
    ProgramExecution {
        planned_hours,
        actual_hours,
        not_covered: plan
            .iter()
            .filter(|t| !covered.contains(t))
            .copied()
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(n: u128) -> TopicId {
        TopicId(uuid::Uuid::from_u128(n))
    }

    #[test]
    fn program_done_or_topics_missing() {
        // 001 п. 6.10: «Программа выполнена» … «по плану» и «фактически» или «Не пройдены следующие темы».
        let plan = [t(1), t(2), t(3)];
        let done = execution(6, &plan, &[t(3), t(1), t(2), t(2)], 6);
        assert!(
            done.is_complete(),
            "001 п. 6.10: all topics and hours given"
        );
        assert_eq!(
            done.verdict_ru(),
            "Программа выполнена",
            "001 п. 6.10 wording"
        );
        let missing = execution(6, &plan, &[t(1)], 4);
        assert_eq!(
            missing.not_covered,
            vec![t(2), t(3)],
            "001 п. 6.10: the topics not given, in plan order"
        );
        assert_eq!(
            missing.verdict_ru(),
            "Не пройдены следующие темы",
            "001 п. 6.10 wording"
        );
        let short = execution(6, &plan, &plan, 5);
        assert!(
            !short.is_complete(),
            "fewer hours than planned is not a complete programme"
        );
    }
}
