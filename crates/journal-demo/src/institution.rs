//! The fixed shape of the demo college: staff, groups, subjects, teaching loads and the weekly
//! timetable. Everything here is hand-made so that it is plausible and conflict-free (no teacher in
//! two places at once; a test checks it); the random parts (students, journal history) come later.

use crate::syllabus::{self, Syllabus};
use journal_core::Role;
use journal_protocol::SubjectKind;

/// A staff member with a fixed login.
pub struct StaffDef {
    pub login: &'static str,
    pub full_name: &'static str,
    pub roles: &'static [Role],
}

pub const STAFF: &[StaffDef] = &[
    StaffDef {
        login: "admin",
        full_name: "Кузнецов Артём Игоревич",
        roles: &[Role::Admin],
    },
    StaffDef {
        login: "deputy",
        full_name: "Белова Ирина Викторовна",
        roles: &[Role::Deputy],
    },
    StaffDef {
        login: "curator",
        full_name: "Орлова Наталья Сергеевна",
        roles: &[Role::Teacher],
    },
    StaffDef {
        login: "teacher",
        full_name: "Смирнова Елена Александровна",
        roles: &[Role::Teacher],
    },
    StaffDef {
        login: "teacher2",
        full_name: "Волков Андрей Николаевич",
        roles: &[Role::Teacher],
    },
    StaffDef {
        login: "teacher3",
        full_name: "Морозова Ольга Дмитриевна",
        roles: &[Role::Teacher],
    },
    StaffDef {
        login: "teacher4",
        full_name: "Лебедева Анна Павловна",
        roles: &[Role::Teacher],
    },
    StaffDef {
        login: "teacher5",
        full_name: "Зайцев Виктор Михайлович",
        roles: &[Role::Teacher],
    },
    StaffDef {
        login: "teacher6",
        full_name: "Никитин Сергей Валерьевич",
        roles: &[Role::Teacher],
    },
    StaffDef {
        login: "teacher7",
        full_name: "Ершова Татьяна Геннадьевна",
        roles: &[Role::Teacher],
    },
];

pub struct SubjectDef {
    pub name: &'static str,
    pub short_name: &'static str,
    pub kind: SubjectKind,
    /// The профессиональный модуль (its name in SUBJECTS) of an МДК or a practice.
    pub module: Option<&'static str>,
}

/// The module of the demo's МДК and practice: its journal is «Журнал учета обучения по
/// профессиональному модулю».
pub const MODULE: &str = "ПМ.01 Разработка модулей программного обеспечения";

pub const RUSSIAN_AND_LITERATURE: &str = "Русский язык и литература";

pub const SUBJECTS: &[SubjectDef] = &[
    SubjectDef {
        name: RUSSIAN_AND_LITERATURE,
        short_name: "Рус. яз. и лит.",
        kind: SubjectKind::Discipline,
        module: None,
    },
    SubjectDef {
        name: "Математика",
        short_name: "Математика",
        kind: SubjectKind::Discipline,
        module: None,
    },
    SubjectDef {
        name: "Иностранный язык",
        short_name: "Ин. яз.",
        kind: SubjectKind::Discipline,
        module: None,
    },
    SubjectDef {
        name: "История",
        short_name: "История",
        kind: SubjectKind::Discipline,
        module: None,
    },
    SubjectDef {
        name: "Физическая культура",
        short_name: "Физ. культура",
        kind: SubjectKind::Discipline,
        module: None,
    },
    SubjectDef {
        name: "Информатика",
        short_name: "Информатика",
        kind: SubjectKind::Discipline,
        module: None,
    },
    SubjectDef {
        name: "Русский язык и культура речи",
        short_name: "РЯиКР",
        kind: SubjectKind::Discipline,
        module: None,
    },
    SubjectDef {
        name: "Основы алгоритмизации и программирования",
        short_name: "ОАиП",
        kind: SubjectKind::Discipline,
        module: None,
    },
    SubjectDef {
        name: "МДК.01.01 Разработка программных модулей",
        short_name: "МДК.01.01",
        kind: SubjectKind::Mdk,
        module: Some(MODULE),
    },
    SubjectDef {
        name: "Учебная практика УП.01",
        short_name: "УП.01",
        kind: SubjectKind::Practice,
        module: Some(MODULE),
    },
    // Taught through its МДК and practice: no load of its own.
    SubjectDef {
        name: MODULE,
        short_name: "ПМ.01",
        kind: SubjectKind::Module,
        module: None,
    },
];

pub struct GroupDef {
    pub name: &'static str,
    pub course: u8,
    pub specialty: &'static str,
    pub curator: &'static str,
    pub students: usize,
    /// Divided into «1 подгруппа» / «2 подгруппа» for the foreign language.
    pub has_subgroups: bool,
    /// Monday..Saturday; the n-th character is the load code at pair n+1, '-' for no lesson.
    pub week: [&'static str; 6],
}

pub const GROUPS: &[GroupDef] = &[
    GroupDef {
        name: "ИС-11",
        course: 1,
        specialty: "09.02.07 Информационные системы и программирование",
        curator: "curator",
        students: 28,
        has_subgroups: true,
        week: ["RMI", "MHE", "IRP", "MHI", "ERM", "HPI"],
    },
    GroupDef {
        name: "БУ-11",
        course: 1,
        specialty: "38.02.01 Экономика и бухгалтерский учёт (по отраслям)",
        curator: "teacher2",
        students: 27,
        has_subgroups: false,
        week: ["HIM", "RMI", "MHE", "RIP", "MPI", "REH"],
    },
    GroupDef {
        name: "ИС-21",
        course: 2,
        specialty: "09.02.07 Информационные системы и программирование",
        curator: "teacher6",
        students: 26,
        has_subgroups: true,
        week: ["-KDO", "DOPU", "EMOU", "-KDP", "OMED", ""],
    },
];

/// A teaching load and where its lessons come from.
pub struct LoadDef {
    pub group: usize,
    /// The character used in the group's week.
    pub code: char,
    pub subject: usize,
    /// 1 or 2 for a subgroup load.
    pub subgroup: Option<u8>,
    pub teacher: &'static str,
    pub room: &'static str,
    /// Only in this semester (0 or 1); None = both.
    pub only_semester: Option<usize>,
    pub syllabus: &'static Syllabus,
}

const fn load(
    group: usize,
    code: char,
    subject: usize,
    subgroup: Option<u8>,
    teacher: &'static str,
    room: &'static str,
    syllabus: &'static Syllabus,
) -> LoadDef {
    LoadDef {
        group,
        code,
        subject,
        subgroup,
        teacher,
        room,
        only_semester: None,
        syllabus,
    }
}

// Subject indexes into SUBJECTS.
const RUS: usize = 0;
const MATH: usize = 1;
const ENG: usize = 2;
const HIST: usize = 3;
const PE: usize = 4;
const INF: usize = 5;
const SPEECH: usize = 6;
const PROG: usize = 7;
const MDK: usize = 8;
const PRACTICE: usize = 9;

pub static LOADS: &[LoadDef] = &[
    // ИС-11
    load(
        0,
        'R',
        RUS,
        None,
        "teacher",
        "214",
        &syllabus::RUSSIAN_AND_LITERATURE,
    ),
    load(
        0,
        'M',
        MATH,
        None,
        "teacher2",
        "308",
        &syllabus::MATHEMATICS_1,
    ),
    load(
        0,
        'E',
        ENG,
        Some(1),
        "teacher3",
        "305",
        &syllabus::FOREIGN_LANGUAGE,
    ),
    load(
        0,
        'E',
        ENG,
        Some(2),
        "teacher4",
        "306",
        &syllabus::FOREIGN_LANGUAGE,
    ),
    load(0, 'H', HIST, None, "curator", "210", &syllabus::HISTORY),
    load(
        0,
        'P',
        PE,
        None,
        "teacher5",
        "Спортивный зал",
        &syllabus::PHYSICAL_EDUCATION,
    ),
    load(0, 'I', INF, None, "teacher6", "401", &syllabus::INFORMATICS),
    // БУ-11
    load(
        1,
        'R',
        RUS,
        None,
        "teacher",
        "214",
        &syllabus::RUSSIAN_AND_LITERATURE,
    ),
    load(
        1,
        'M',
        MATH,
        None,
        "teacher2",
        "308",
        &syllabus::MATHEMATICS_1,
    ),
    load(
        1,
        'E',
        ENG,
        None,
        "teacher3",
        "305",
        &syllabus::FOREIGN_LANGUAGE,
    ),
    load(1, 'H', HIST, None, "curator", "210", &syllabus::HISTORY),
    load(
        1,
        'P',
        PE,
        None,
        "teacher5",
        "Спортивный зал",
        &syllabus::PHYSICAL_EDUCATION,
    ),
    load(1, 'I', INF, None, "teacher6", "401", &syllabus::INFORMATICS),
    // ИС-21
    load(
        2,
        'K',
        SPEECH,
        None,
        "teacher",
        "214",
        &syllabus::SPEECH_CULTURE,
    ),
    load(
        2,
        'M',
        MATH,
        None,
        "teacher2",
        "308",
        &syllabus::MATHEMATICS_2,
    ),
    load(
        2,
        'E',
        ENG,
        Some(1),
        "teacher3",
        "305",
        &syllabus::FOREIGN_LANGUAGE,
    ),
    load(
        2,
        'E',
        ENG,
        Some(2),
        "teacher4",
        "306",
        &syllabus::FOREIGN_LANGUAGE,
    ),
    load(
        2,
        'P',
        PE,
        None,
        "teacher5",
        "Спортивный зал",
        &syllabus::PHYSICAL_EDUCATION,
    ),
    load(
        2,
        'O',
        PROG,
        None,
        "teacher6",
        "402",
        &syllabus::PROGRAMMING_BASICS,
    ),
    load(
        2,
        'D',
        MDK,
        None,
        "teacher7",
        "403",
        &syllabus::MODULE_DEVELOPMENT,
    ),
    LoadDef {
        only_semester: Some(1),
        ..load(
            2,
            'U',
            PRACTICE,
            None,
            "teacher7",
            "403",
            &syllabus::TRAINING_PRACTICE,
        )
    },
];

/// Homework wordings per subject; `{p}`, `{a}`, `{b}` are replaced by page/exercise numbers.
pub fn homework_templates(subject: usize) -> &'static [&'static str] {
    match subject {
        RUS => &[
            "Учебник, § {p}, упр. {a}",
            "Прочитать текст произведения по теме урока, ответить на вопросы на с. {p}",
            "Выучить наизусть стихотворение по выбору (с. {p}–{b})",
            "Упр. {a}, {b}; повторить правила § {p}",
        ],
        MATH => &[
            "№ {a}, {b} (учебник, § {p})",
            "Учебник, § {p}; решить № {a}–{b}",
            "Индивидуальные задания по карточкам",
            "Повторить формулы § {p}, № {a}",
        ],
        ENG => &[
            "Выучить слова урока, упр. {a} на с. {p}",
            "Упр. {a}, {b} (с. {p}); подготовить рассказ по теме",
            "Прочитать и перевести текст на с. {p}",
        ],
        HIST => &[
            "§ {p}, ответить на вопросы после параграфа",
            "§ {p}–{b}, заполнить хронологическую таблицу",
            "Подготовить сообщение по теме урока",
        ],
        PE => &["Комплекс утренней гимнастики", ""],
        INF | PROG | MDK => &[
            "Конспект лекции, ответить на контрольные вопросы",
            "Завершить практическое задание, оформить отчёт",
            "Учебник, § {p}, задания {a}–{b}",
            "Индивидуальные задания",
        ],
        SPEECH => &[
            "Упр. {a} на с. {p}",
            "Составить текст делового документа по образцу",
            "Подготовить сообщение по теме урока",
        ],
        PRACTICE => &[
            "Оформить раздел отчёта по практике",
            "Выполнить этап индивидуального задания",
        ],
        _ => &["Конспект занятия"],
    }
}
