//! The профессиональный модуль of an МДК or a practice, from their names (000 пп. 1.5–1.7): «МДК.01.01
//! …», «УП.01» and «ПП.01» belong to «ПМ.01 …». Files of other systems name the module only by this
//! numbering, so an import links what it creates by it.

use std::collections::HashSet;

use journal_core::SubjectId;
use journal_protocol::{Snapshot, SubjectKind};

use crate::apply::Applied;
use crate::report::ItemAction;
use crate::text::normalise_name;

/// The number after `prefix` in `name` where `prefix` starts a word: «ПП.01» → 1, «мдк 02.03» → 2.
fn number_after(name: &str, prefix: &str) -> Option<u32> {
    let n = normalise_name(name);
    let mut from = 0;
    while let Some(at) = n[from..].find(prefix) {
        let start = from + at;
        from = start + prefix.len();
        let starts_word = n[..start]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric());
        if !starts_word {
            continue;
        }
        let rest = n[from..].trim_start_matches(['.', ' ', '-', '_']);
        let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
        if let Ok(number) = digits.parse() {
            return Some(number);
        }
    }
    None
}

/// The module's number a subject's name gives: a module's own «ПМ.01», an МДК's «МДК.01.xx», a
/// practice's «УП.01» or «ПП.01». None for other kinds or names without the numbering.
pub fn module_number(name: &str, kind: SubjectKind) -> Option<u32> {
    match kind {
        SubjectKind::Module => number_after(name, "пм"),
        SubjectKind::Mdk => number_after(name, "мдк"),
        SubjectKind::Practice => number_after(name, "уп").or_else(|| number_after(name, "пп")),
        SubjectKind::Discipline | SubjectKind::Extracurricular => None,
    }
}

/// Links every МДК and practice without a module to the one module of the institution with its
/// number, where the part or the module is among `created` (this import's new subjects): a file
/// links what it brings, and leaves alone what the administrator already has. Two modules with
/// the same number link nothing (which one is not known).
pub(crate) fn link_to_modules(
    snap: &mut Snapshot,
    created: &HashSet<SubjectId>,
    out: &mut Applied,
) {
    let modules: Vec<(u32, SubjectId, String)> = snap
        .subjects
        .iter()
        .filter(|s| s.kind == SubjectKind::Module)
        .filter_map(|s| {
            let number =
                module_number(&s.name, s.kind).or_else(|| module_number(&s.short_name, s.kind))?;
            Some((number, s.id, s.name.clone()))
        })
        .collect();
    for s in &mut snap.subjects {
        if s.module_id.is_some() || !matches!(s.kind, SubjectKind::Mdk | SubjectKind::Practice) {
            continue;
        }
        let Some(number) =
            module_number(&s.name, s.kind).or_else(|| module_number(&s.short_name, s.kind))
        else {
            continue;
        };
        let mut fitting = modules.iter().filter(|(n, _, _)| *n == number);
        let (Some((_, module_id, module_name)), None) = (fitting.next(), fitting.next()) else {
            continue;
        };
        if !created.contains(&s.id) && !created.contains(module_id) {
            continue;
        }
        s.module_id = Some(*module_id);
        out.item(
            None,
            ItemAction::Change,
            "Дисциплина",
            format!(
                "«{}» входит в профессиональный модуль «{module_name}»",
                s.name
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_module_number_follows_the_numbering_of_the_names() {
        for (name, kind, number) in [
            ("ПМ.01 Разработка модулей", SubjectKind::Module, Some(1)),
            ("ПМ 02. Сопровождение", SubjectKind::Module, Some(2)),
            (
                "МДК.01.01 Разработка программных модулей",
                SubjectKind::Mdk,
                Some(1),
            ),
            ("МДК 03.02 Тестирование", SubjectKind::Mdk, Some(3)),
            ("Учебная практика УП.01", SubjectKind::Practice, Some(1)),
            (
                "ПП.02 Производственная практика",
                SubjectKind::Practice,
                Some(2),
            ),
            ("Производственная практика", SubjectKind::Practice, None),
            ("Математика", SubjectKind::Discipline, None),
            // «уп» inside a word is not the numbering.
            ("Группа 01", SubjectKind::Practice, None),
        ] {
            assert_eq!(module_number(name, kind), number, "{name}");
        }
    }
}
