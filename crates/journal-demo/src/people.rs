//! Invented Russian full names: surname, first name and patronymic in the forms of one gender.
//! Surnames are kept in the masculine form and turned feminine by the usual rules; patronymics are
//! taken from the father's first name, so a parent's name fits the child's.

use crate::rng::Rng;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gender {
    Male,
    Female,
}

const MALE_NAMES: &[&str] = &[
    "Александр",
    "Алексей",
    "Андрей",
    "Артём",
    "Арсений",
    "Богдан",
    "Вадим",
    "Владислав",
    "Глеб",
    "Даниил",
    "Денис",
    "Дмитрий",
    "Егор",
    "Иван",
    "Игорь",
    "Илья",
    "Кирилл",
    "Константин",
    "Лев",
    "Максим",
    "Марк",
    "Матвей",
    "Михаил",
    "Никита",
    "Николай",
    "Павел",
    "Роман",
    "Семён",
    "Степан",
    "Тимофей",
    "Фёдор",
    "Ярослав",
];

const FEMALE_NAMES: &[&str] = &[
    "Алина",
    "Алиса",
    "Анастасия",
    "Ангелина",
    "Анна",
    "Валерия",
    "Варвара",
    "Вероника",
    "Виктория",
    "Дарья",
    "Диана",
    "Ева",
    "Екатерина",
    "Елизавета",
    "Злата",
    "Ксения",
    "Маргарита",
    "Мария",
    "Милана",
    "Надежда",
    "Олеся",
    "Полина",
    "Софья",
    "Таисия",
    "Ульяна",
    "Юлия",
    "Яна",
    "Арина",
];

/// Fathers' first names with the patronymics they give: (name, son's, daughter's).
const FATHERS: &[(&str, &str, &str)] = &[
    ("Александр", "Александрович", "Александровна"),
    ("Алексей", "Алексеевич", "Алексеевна"),
    ("Андрей", "Андреевич", "Андреевна"),
    ("Антон", "Антонович", "Антоновна"),
    ("Валерий", "Валерьевич", "Валерьевна"),
    ("Василий", "Васильевич", "Васильевна"),
    ("Виктор", "Викторович", "Викторовна"),
    ("Владимир", "Владимирович", "Владимировна"),
    ("Вячеслав", "Вячеславович", "Вячеславовна"),
    ("Геннадий", "Геннадьевич", "Геннадьевна"),
    ("Денис", "Денисович", "Денисовна"),
    ("Дмитрий", "Дмитриевич", "Дмитриевна"),
    ("Евгений", "Евгеньевич", "Евгеньевна"),
    ("Игорь", "Игоревич", "Игоревна"),
    ("Илья", "Ильич", "Ильинична"),
    ("Константин", "Константинович", "Константиновна"),
    ("Максим", "Максимович", "Максимовна"),
    ("Михаил", "Михайлович", "Михайловна"),
    ("Николай", "Николаевич", "Николаевна"),
    ("Олег", "Олегович", "Олеговна"),
    ("Павел", "Павлович", "Павловна"),
    ("Роман", "Романович", "Романовна"),
    ("Руслан", "Русланович", "Руслановна"),
    ("Сергей", "Сергеевич", "Сергеевна"),
    ("Юрий", "Юрьевич", "Юрьевна"),
];

/// Surnames in the masculine form (the feminine form is derived, see [`surname_for`]).
const SURNAMES: &[&str] = &[
    "Абрамов",
    "Агеев",
    "Алексеев",
    "Андреев",
    "Антонов",
    "Баранов",
    "Белоусов",
    "Беляев",
    "Богданов",
    "Борисов",
    "Быков",
    "Васильев",
    "Виноградов",
    "Власов",
    "Воробьёв",
    "Гаврилов",
    "Голубев",
    "Горбунов",
    "Григорьев",
    "Гусев",
    "Давыдов",
    "Денисов",
    "Дорофеев",
    "Егоров",
    "Ермаков",
    "Жуков",
    "Захаров",
    "Зуев",
    "Ильин",
    "Исаев",
    "Калинин",
    "Карпов",
    "Киселёв",
    "Ковалёв",
    "Козлов",
    "Комаров",
    "Коновалов",
    "Крылов",
    "Кудрявцев",
    "Куликов",
    "Лазарев",
    "Логинов",
    "Максимов",
    "Матвеев",
    "Медведев",
    "Мельников",
    "Миронов",
    "Назаров",
    "Новиков",
    "Осипов",
    "Павлов",
    "Панов",
    "Поляков",
    "Пономарёв",
    "Рогов",
    "Родионов",
    "Романов",
    "Рыбаков",
    "Савельев",
    "Сафонов",
    "Селезнёв",
    "Семёнов",
    "Сидоров",
    "Соболев",
    "Стариков",
    "Субботин",
    "Тарасов",
    "Тимофеев",
    "Титов",
    "Уваров",
    "Усов",
    "Федотов",
    "Филиппов",
    "Фомин",
    "Фролов",
    "Харитонов",
    "Цветков",
    "Чернов",
    "Шарапов",
    "Шестаков",
    "Щербаков",
    "Юдин",
    "Яковлев",
    "Ястребов",
    "Вишневский",
    "Залесский",
    "Городецкий",
    "Островский",
    "Толстой",
    "Шевченко",
    "Ким",
    "Гаврилюк",
];

/// The surname in the form for the gender: -ов/-ев/-ёв/-ин/-ын add «а», -ский/-цкий and -ой become
/// -ская/-цкая and -ая; others (Шевченко, Ким, Гаврилюк) do not change.
pub fn surname_for(masculine: &str, gender: Gender) -> String {
    if gender == Gender::Male {
        return masculine.to_string();
    }
    for ending in ["ов", "ев", "ёв", "ин", "ын"] {
        if masculine.ends_with(ending) {
            return format!("{masculine}а");
        }
    }
    for (ending, feminine) in [("ский", "ская"), ("цкий", "цкая"), ("ой", "ая")]
    {
        if let Some(stem) = masculine.strip_suffix(ending) {
            return format!("{stem}{feminine}");
        }
    }
    masculine.to_string()
}

/// A generated person (a student or a parent).
#[derive(Debug, Clone)]
pub struct Person {
    #[cfg_attr(not(test), allow(dead_code))] // checked by the tests against the name forms
    pub gender: Gender,
    pub surname_masculine: String,
    pub last_name: String,
    pub first_name: String,
    pub patronymic: String,
    /// The father's first name, from which the patronymic comes.
    pub father_name: String,
}

impl Person {
    pub fn full_name(&self) -> String {
        format!("{} {} {}", self.last_name, self.first_name, self.patronymic)
    }
}

pub fn random_person(rng: &mut Rng) -> Person {
    let gender = if rng.chance(0.5) {
        Gender::Male
    } else {
        Gender::Female
    };
    let surname = *rng.pick(SURNAMES);
    let first = match gender {
        Gender::Male => *rng.pick(MALE_NAMES),
        Gender::Female => *rng.pick(FEMALE_NAMES),
    };
    let (father, son, daughter) = *rng.pick(FATHERS);
    Person {
        gender,
        surname_masculine: surname.to_string(),
        last_name: surname_for(surname, gender),
        first_name: first.to_string(),
        patronymic: match gender {
            Gender::Male => son.to_string(),
            Gender::Female => daughter.to_string(),
        },
        father_name: father.to_string(),
    }
}

/// The father of `child`: same surname, the first name the child's patronymic comes from.
pub fn father_of(child: &Person, rng: &mut Rng) -> Person {
    let (_, son, _) = *rng.pick(FATHERS);
    Person {
        gender: Gender::Male,
        surname_masculine: child.surname_masculine.clone(),
        last_name: child.surname_masculine.clone(),
        first_name: child.father_name.clone(),
        patronymic: son.to_string(),
        father_name: String::new(),
    }
}

/// Sort key for alphabetical lists (the journal's order): «ё» sorts as «е».
pub fn alphabetical_key(full_name: &str) -> String {
    full_name.replace('ё', "е").replace('Ё', "Е")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feminine_surnames_follow_russian_rules() {
        assert_eq!(surname_for("Иванов", Gender::Female), "Иванова");
        assert_eq!(surname_for("Воробьёв", Gender::Female), "Воробьёва");
        assert_eq!(surname_for("Ильин", Gender::Female), "Ильина");
        assert_eq!(surname_for("Вишневский", Gender::Female), "Вишневская");
        assert_eq!(surname_for("Городецкий", Gender::Female), "Городецкая");
        assert_eq!(surname_for("Толстой", Gender::Female), "Толстая");
        assert_eq!(surname_for("Шевченко", Gender::Female), "Шевченко");
        assert_eq!(surname_for("Ким", Gender::Female), "Ким");
        assert_eq!(surname_for("Толстой", Gender::Male), "Толстой");
    }

    #[test]
    fn person_forms_agree_in_gender() {
        let mut rng = Rng::new(3);
        for _ in 0..500 {
            let p = random_person(&mut rng);
            let female_patronymic = p.patronymic.ends_with("на");
            assert_eq!(
                female_patronymic,
                p.gender == Gender::Female,
                "patronymic «{}» must match the gender",
                p.full_name()
            );
            assert_eq!(
                FEMALE_NAMES.contains(&p.first_name.as_str()),
                p.gender == Gender::Female,
                "first name of {} must match the gender",
                p.full_name()
            );
            let father = father_of(&p, &mut rng);
            assert_eq!(
                father.first_name, p.father_name,
                "the child's patronymic comes from the father's name"
            );
            assert_eq!(
                father.full_name().split(' ').count(),
                3,
                "full names have three words"
            );
        }
    }
}
