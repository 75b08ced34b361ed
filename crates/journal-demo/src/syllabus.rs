//! КТП (календарно-тематический план) material: real topic names per subject, stretched to the
//! hours a load really has in the year's timetable.

use journal_core::WorkType;

/// One line of a subject's programme.
#[derive(Debug, Clone, Copy)]
pub enum Entry {
    /// A theme with its weight in hours; it gets a share of the load's hours, one pair or more.
    Theme(&'static str, u32),
    /// A numbered work (контрольная, практическая, лабораторная): one pair, numbered per load.
    Numbered(WorkType, &'static str),
    /// A one-pair lesson whose title stands as written (сочинение, зачёт, нормативы).
    Single(&'static str, WorkType),
}

use Entry::{Numbered, Single, Theme};
use WorkType::{Control, Laboratory, Practical};

/// A subject's programme for a course.
#[derive(Debug)]
pub struct Syllabus {
    /// Work type of the first hour of a theme (лекция in professional subjects, урок elsewhere).
    pub theme_work_type: WorkType,
    /// How continued pairs of a theme are named: «<тема>: <suffix>».
    pub continuations: &'static [&'static str],
    pub entries: &'static [Entry],
}

/// One КТП topic as planned.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedTopic {
    pub title: String,
    pub hours: u8,
    pub work_type: WorkType,
    pub work_number: Option<u32>,
}

const GENERAL_CONTINUATIONS: &[&str] = &[
    "выполнение упражнений",
    "закрепление изученного материала",
    "самостоятельная работа",
    "обобщение и систематизация знаний",
    "разбор типичных ошибок",
];

const LITERATURE_CONTINUATIONS: &[&str] = &[
    "анализ текста",
    "выполнение упражнений",
    "практикум",
    "обобщение и систематизация знаний",
];

const PROFESSIONAL_CONTINUATIONS: &[&str] = &[
    "практическое занятие",
    "разбор примеров",
    "самостоятельная работа",
    "выполнение индивидуального задания",
];

const SPORT_CONTINUATIONS: &[&str] = &[
    "совершенствование техники",
    "учебная игра",
    "развитие физических качеств",
    "выполнение контрольных упражнений",
];

pub static RUSSIAN_AND_LITERATURE: Syllabus = Syllabus {
    theme_work_type: WorkType::Lesson,
    continuations: LITERATURE_CONTINUATIONS,
    entries: &[
        Theme(
            "Язык как средство общения и форма существования национальной культуры",
            2,
        ),
        Theme(
            "Русская литература первой половины XIX века: общая характеристика",
            2,
        ),
        Theme("Фонетика, орфоэпия, графика. Фонетический разбор слова", 4),
        Single(
            "Входной диктант с грамматическим заданием",
            WorkType::Written,
        ),
        Theme(
            "Орфография. Правописание безударных гласных в корне слова",
            4,
        ),
        Theme("Жизненный и творческий путь А. С. Пушкина. Лирика поэта", 4),
        Theme(
            "Поэма А. С. Пушкина «Медный всадник»: личность и государство",
            4,
        ),
        Theme("Лексика и фразеология. Лексическое значение слова", 4),
        Theme("Творчество М. Ю. Лермонтова. Основные мотивы лирики", 4),
        Theme(
            "Н. В. Гоголь. Повесть «Шинель»: образ «маленького человека»",
            4,
        ),
        Numbered(Control, "Лексика и фразеология. Орфография"),
        Theme("Морфемика и словообразование. Способы словообразования", 4),
        Theme(
            "А. Н. Островский. Драма «Гроза»: конфликт и система образов",
            6,
        ),
        Single(
            "Сочинение по драме А. Н. Островского «Гроза»",
            WorkType::Written,
        ),
        Theme(
            "И. А. Гончаров. Роман «Обломов»: обломовщина как явление",
            4,
        ),
        Theme("Морфология. Имя существительное и имя прилагательное", 4),
        Theme(
            "И. С. Тургенев. Роман «Отцы и дети»: Базаров и его мировоззрение",
            6,
        ),
        Single(
            "Сочинение по роману И. С. Тургенева «Отцы и дети»",
            WorkType::Written,
        ),
        Theme(
            "Правописание Н и НН в суффиксах прилагательных и причастий",
            4,
        ),
        Theme("Лирика Ф. И. Тютчева и А. А. Фета", 4),
        Theme("Н. А. Некрасов. Поэма «Кому на Руси жить хорошо»", 4),
        Numbered(Control, "Морфология и орфография"),
        Theme("Глагол и его формы. Причастие и деепричастие", 4),
        Theme(
            "Ф. М. Достоевский. Роман «Преступление и наказание»: теория Раскольникова",
            8,
        ),
        Single("Изложение с элементами сочинения", WorkType::Written),
        Theme(
            "Л. Н. Толстой. Роман-эпопея «Война и мир»: история создания, жанр, проблематика",
            8,
        ),
        Theme("Синтаксис. Словосочетание и простое предложение", 4),
        Theme(
            "Знаки препинания в сложносочинённом и сложноподчинённом предложении",
            4,
        ),
        Theme("А. П. Чехов. Рассказы и пьеса «Вишнёвый сад»", 6),
        Numbered(Control, "Синтаксис и пунктуация"),
        Theme("Поэзия Серебряного века: символизм, акмеизм, футуризм", 4),
        Theme(
            "И. А. Бунин. Рассказы «Господин из Сан-Франциско», «Тёмные аллеи»",
            4,
        ),
        Theme("М. Горький. Пьеса «На дне»: спор о правде", 4),
        Theme("Стилистика. Функциональные стили речи", 4),
        Theme("Лирика А. А. Блока и С. А. Есенина", 4),
        Theme("М. А. Булгаков. Роман «Мастер и Маргарита»", 6),
        Single("Итоговое сочинение-рассуждение", WorkType::Written),
        Numbered(Control, "Итоговая контрольная работа по русскому языку"),
    ],
};

pub static MATHEMATICS_1: Syllabus = Syllabus {
    theme_work_type: WorkType::Lesson,
    continuations: GENERAL_CONTINUATIONS,
    entries: &[
        Theme("Действия с дробями и степенями: курс основной школы", 4),
        Theme("Действительные числа. Приближённые вычисления", 4),
        Theme("Корень n-й степени и его свойства", 4),
        Theme("Степень с рациональным показателем", 4),
        Numbered(Control, "Действительные числа. Корни и степени"),
        Theme(
            "Функции и их свойства. Область определения и множество значений",
            4,
        ),
        Theme("Степенная функция, её свойства и график", 4),
        Theme(
            "Показательная функция. Показательные уравнения и неравенства",
            6,
        ),
        Theme("Логарифм числа. Свойства логарифмов", 4),
        Theme("Логарифмическая функция. Логарифмические уравнения", 6),
        Numbered(
            Practical,
            "Решение показательных и логарифмических уравнений",
        ),
        Numbered(Control, "Показательная и логарифмическая функции"),
        Theme("Радианная мера угла. Синус, косинус, тангенс числа", 4),
        Theme(
            "Основные тригонометрические тождества. Формулы приведения",
            4,
        ),
        Theme("Формулы сложения и двойного угла", 4),
        Theme("Тригонометрические функции и их графики", 4),
        Theme("Тригонометрические уравнения", 6),
        Numbered(Control, "Тригонометрия"),
        Theme("Прямые и плоскости в пространстве. Аксиомы стереометрии", 4),
        Theme("Параллельность прямых и плоскостей", 4),
        Theme("Перпендикулярность прямых и плоскостей", 4),
        Numbered(
            Practical,
            "Перпендикулярность прямых и плоскостей в пространстве",
        ),
        Theme("Производная, её геометрический и физический смысл", 4),
        Theme(
            "Правила дифференцирования. Производные элементарных функций",
            4,
        ),
        Theme("Применение производной к исследованию функций", 6),
        Numbered(Control, "Производная и её применение"),
        Theme("Первообразная и неопределённый интеграл", 4),
        Theme("Определённый интеграл. Формула Ньютона — Лейбница", 4),
        Theme("Многогранники: призма, пирамида. Площадь поверхности", 4),
        Theme("Тела вращения: цилиндр, конус, шар", 4),
        Theme("Объёмы многогранников и тел вращения", 4),
        Theme("Элементы комбинаторики и теории вероятностей", 4),
        Numbered(Control, "Итоговая контрольная работа за курс математики"),
    ],
};

pub static MATHEMATICS_2: Syllabus = Syllabus {
    theme_work_type: WorkType::Lecture,
    continuations: GENERAL_CONTINUATIONS,
    entries: &[
        Theme("Матрицы и действия над ними", 4),
        Theme("Определители и их свойства", 4),
        Theme("Обратная матрица. Ранг матрицы", 4),
        Theme("Системы линейных уравнений. Метод Крамера", 4),
        Theme("Метод Гаусса", 4),
        Numbered(Practical, "Решение систем линейных уравнений"),
        Numbered(Control, "Линейная алгебра"),
        Theme("Векторы и действия над ними", 4),
        Theme("Уравнения прямой на плоскости", 4),
        Theme("Кривые второго порядка", 4),
        Numbered(Control, "Аналитическая геометрия"),
        Theme("Предел функции. Замечательные пределы", 4),
        Theme("Непрерывность функции. Точки разрыва", 2),
        Theme("Производная и дифференциал функции", 4),
        Theme("Неопределённый интеграл. Методы интегрирования", 6),
        Theme("Определённый интеграл и его приложения", 4),
        Numbered(Practical, "Вычисление площадей плоских фигур"),
        Theme("Дифференциальные уравнения первого порядка", 4),
        Theme("Комплексные числа и действия над ними", 4),
        Numbered(Control, "Математический анализ"),
    ],
};

pub static FOREIGN_LANGUAGE: Syllabus = Syllabus {
    theme_work_type: WorkType::Lesson,
    continuations: GENERAL_CONTINUATIONS,
    entries: &[
        Theme(
            "Приветствие, прощание, представление себя и других людей",
            4,
        ),
        Theme("Описание человека: внешность, характер, личные качества", 4),
        Theme("Семья и семейные отношения. Present Simple", 4),
        Theme(
            "Описание жилища и учебного заведения. Конструкция there is / there are",
            4,
        ),
        Theme("Распорядок дня студента. Наречия частотности", 4),
        Numbered(Control, "Present Simple и Present Continuous"),
        Theme("Хобби и досуг. Present Continuous", 4),
        Theme("Описание местоположения объекта: предлоги места", 4),
        Theme("Магазины, товары, совершение покупок", 4),
        Theme("Физкультура и спорт, здоровый образ жизни", 4),
        Theme("Экскурсии и путешествия. Past Simple", 6),
        Numbered(Control, "Past Simple. Неправильные глаголы"),
        Theme(
            "Россия, её национальные символы, государственное устройство",
            4,
        ),
        Theme("Англоговорящие страны: географическое положение, климат", 4),
        Theme("Научно-технический прогресс. Future Simple", 4),
        Theme("Человек и природа, экологические проблемы", 4),
        Theme("Компьютер и его устройство: профессиональная лексика", 4),
        Theme("Present Perfect: образование и употребление", 4),
        Theme("Модальные глаголы can, must, may", 4),
        Theme("Деловая переписка: структура делового письма", 4),
        Numbered(Control, "Итоговая контрольная работа по английскому языку"),
    ],
};

pub static HISTORY: Syllabus = Syllabus {
    theme_work_type: WorkType::Lesson,
    continuations: &[
        "работа с историческими источниками",
        "семинарское занятие",
        "работа с исторической картой",
        "обобщение и систематизация знаний",
    ],
    entries: &[
        Theme("История как наука. Источники исторического знания", 2),
        Theme("Первая мировая война: причины, ход, итоги", 4),
        Theme(
            "Россия в Первой мировой войне. Февральская революция 1917 года",
            4,
        ),
        Theme(
            "Октябрьская революция 1917 года. Гражданская война в России",
            6,
        ),
        Theme("Новая экономическая политика. Образование СССР", 4),
        Theme("Индустриализация и коллективизация в СССР", 4),
        Single(
            "Культурное пространство советского общества в 1920–1930-е годы",
            WorkType::Seminar,
        ),
        Theme("Международные отношения в 1930-е годы", 2),
        Numbered(Control, "Россия и мир в 1914–1939 годах"),
        Theme("Начало Великой Отечественной войны. Битва за Москву", 4),
        Theme(
            "Коренной перелом в ходе войны. Сталинградская и Курская битвы",
            4,
        ),
        Theme(
            "Освобождение СССР и Европы. Победа над Германией и Японией",
            4,
        ),
        Theme("Советский тыл в годы войны. Вклад народов СССР в Победу", 4),
        Numbered(Control, "Великая Отечественная война 1941–1945 годов"),
        Theme(
            "Послевоенное восстановление СССР. Начало «холодной войны»",
            4,
        ),
        Theme("СССР в 1953–1964 годах: «оттепель»", 4),
        Theme("СССР в 1965–1985 годах", 4),
        Theme("Политика перестройки. Распад СССР", 4),
        Theme("Становление новой России в 1990-е годы", 4),
        Theme(
            "Россия в XXI веке: политическое и экономическое развитие",
            4,
        ),
        Numbered(Control, "Итоговая контрольная работа по истории"),
    ],
};

pub static PHYSICAL_EDUCATION: Syllabus = Syllabus {
    theme_work_type: WorkType::Lesson,
    continuations: SPORT_CONTINUATIONS,
    entries: &[
        Theme(
            "Инструктаж по технике безопасности. Физическая культура в подготовке студентов",
            2,
        ),
        Theme("Лёгкая атлетика. Техника бега на короткие дистанции", 4),
        Theme("Лёгкая атлетика. Бег на средние и длинные дистанции", 4),
        Theme("Лёгкая атлетика. Прыжок в длину с разбега", 4),
        Single(
            "Контрольные нормативы по лёгкой атлетике: бег 100 м, прыжок в длину",
            WorkType::Test,
        ),
        Theme("Волейбол: стойки, перемещения, передачи мяча", 6),
        Theme("Волейбол: подача и нападающий удар", 4),
        Theme("Гимнастика: строевые и общеразвивающие упражнения", 4),
        Theme("Акробатика: кувырки, стойки, комбинации", 4),
        Theme("Баскетбол: ведение мяча, передачи, броски в кольцо", 6),
        Theme("Баскетбол: тактика нападения и защиты", 4),
        Single(
            "Контрольные нормативы: челночный бег, подтягивание, отжимания",
            WorkType::Test,
        ),
        Theme("Лыжная подготовка: попеременный двухшажный ход", 4),
        Theme("Лыжная подготовка: одновременные ходы, подъёмы и спуски", 4),
        Theme("Атлетическая гимнастика: упражнения с отягощениями", 4),
        Theme("Профессионально-прикладная физическая подготовка", 4),
        Single("Сдача нормативов комплекса ГТО", WorkType::Test),
    ],
};

pub static INFORMATICS: Syllabus = Syllabus {
    theme_work_type: WorkType::Lesson,
    continuations: GENERAL_CONTINUATIONS,
    entries: &[
        Theme(
            "Информация и информационные процессы. Измерение информации",
            4,
        ),
        Theme(
            "Системы счисления. Перевод чисел из одной системы в другую",
            4,
        ),
        Numbered(
            Practical,
            "Арифметические операции в позиционных системах счисления",
        ),
        Theme(
            "Кодирование текстовой, графической и звуковой информации",
            4,
        ),
        Theme("Логические операции и таблицы истинности", 4),
        Numbered(
            Practical,
            "Построение таблиц истинности логических выражений",
        ),
        Numbered(Control, "Информация и её кодирование. Основы логики"),
        Theme("Архитектура компьютера. Устройства ввода и вывода", 4),
        Theme(
            "Программное обеспечение компьютера. Операционные системы",
            4,
        ),
        Theme("Компьютерные сети. Интернет. Адресация в сети", 4),
        Theme(
            "Информационная безопасность. Защита от вредоносных программ",
            4,
        ),
        Theme(
            "Текстовый процессор: форматирование и структура документа",
            4,
        ),
        Numbered(
            Practical,
            "Создание и оформление документа со списками и таблицами",
        ),
        Theme(
            "Электронные таблицы: формулы, функции, абсолютные и относительные ссылки",
            6,
        ),
        Numbered(
            Practical,
            "Обработка данных и построение диаграмм в электронных таблицах",
        ),
        Theme("Базы данных. Реляционная модель данных", 4),
        Numbered(Practical, "Создание запросов к базе данных"),
        Theme("Алгоритмы и их свойства. Способы записи алгоритмов", 4),
        Theme(
            "Основы программирования на языке Python: переменные, ветвления, циклы",
            8,
        ),
        Numbered(
            Practical,
            "Программирование циклических алгоритмов на Python",
        ),
        Numbered(Control, "Алгоритмизация и программирование"),
        Theme("Компьютерное моделирование. Этапы моделирования", 4),
    ],
};

pub static SPEECH_CULTURE: Syllabus = Syllabus {
    theme_work_type: WorkType::Lesson,
    continuations: GENERAL_CONTINUATIONS,
    entries: &[
        Theme("Язык и речь. Понятие культуры речи", 2),
        Theme("Нормы современного русского литературного языка", 4),
        Theme("Орфоэпические нормы. Ударение в словах", 4),
        Theme("Лексические нормы. Паронимы, синонимы, антонимы", 4),
        Numbered(Practical, "Лексические ошибки и их исправление"),
        Theme("Морфологические нормы. Род и число имён существительных", 4),
        Theme("Синтаксические нормы. Согласование и управление", 4),
        Numbered(Control, "Нормы литературного языка"),
        Theme("Функциональные стили речи. Научный стиль", 4),
        Theme(
            "Официально-деловой стиль: заявление, резюме, объяснительная записка",
            4,
        ),
        Numbered(Practical, "Составление резюме и делового письма"),
        Theme("Публицистический стиль. Основы ораторского искусства", 4),
        Theme("Культура профессионального общения. Речевой этикет", 4),
        Numbered(Control, "Функциональные стили речи"),
    ],
};

pub static PROGRAMMING_BASICS: Syllabus = Syllabus {
    theme_work_type: WorkType::Lecture,
    continuations: PROFESSIONAL_CONTINUATIONS,
    entries: &[
        Theme("Понятие алгоритма. Свойства алгоритмов. Блок-схемы", 4),
        Theme("Среда разработки. Структура программы на языке C#", 4),
        Theme(
            "Типы данных, переменные и константы. Операции и выражения",
            4,
        ),
        Numbered(Laboratory, "Программирование линейных алгоритмов"),
        Theme("Условные операторы if и switch", 4),
        Numbered(Laboratory, "Программирование разветвляющихся алгоритмов"),
        Theme("Циклы for, while, do-while", 4),
        Numbered(Laboratory, "Программирование циклических алгоритмов"),
        Theme("Одномерные массивы: поиск и сортировка", 6),
        Numbered(Laboratory, "Сортировка массивов"),
        Theme("Двумерные массивы", 4),
        Numbered(Control, "Массивы и циклы"),
        Theme("Строки и методы работы со строками", 4),
        Theme("Методы: параметры, возвращаемые значения, перегрузка", 4),
        Numbered(Laboratory, "Разработка программ с использованием методов"),
        Theme("Рекурсивные алгоритмы", 2),
        Theme("Работа с файлами. Потоки ввода-вывода", 4),
        Theme("Обработка исключений", 2),
        Theme(
            "Основы объектно-ориентированного программирования: классы и объекты",
            6,
        ),
        Theme("Наследование и полиморфизм", 4),
        Numbered(Laboratory, "Разработка иерархии классов"),
        Numbered(Control, "Основы объектно-ориентированного программирования"),
    ],
};

pub static MODULE_DEVELOPMENT: Syllabus = Syllabus {
    theme_work_type: WorkType::Lecture,
    continuations: PROFESSIONAL_CONTINUATIONS,
    entries: &[
        Theme(
            "Жизненный цикл программного обеспечения. Модели жизненного цикла",
            4,
        ),
        Theme(
            "Этапы разработки программного модуля. Техническое задание",
            4,
        ),
        Numbered(
            Practical,
            "Разработка технического задания на программный модуль",
        ),
        Theme(
            "Проектирование модуля: диаграммы вариантов использования и классов UML",
            6,
        ),
        Numbered(
            Practical,
            "Построение диаграммы классов программного модуля",
        ),
        Theme("Коллекции: списки, словари, очереди", 4),
        Theme("Обобщённые типы и интерфейсы", 4),
        Theme("Запросы к коллекциям с помощью LINQ", 4),
        Numbered(Practical, "Обработка данных с помощью LINQ-запросов"),
        Theme("Разработка графического интерфейса пользователя", 6),
        Numbered(Practical, "Разработка оконного приложения"),
        Theme("Работа с базой данных из приложения. Технология ADO.NET", 6),
        Numbered(Practical, "Разработка модуля доступа к базе данных"),
        Numbered(Control, "Проектирование и разработка программных модулей"),
        Theme("Тестирование программного модуля. Модульные тесты", 4),
        Numbered(Practical, "Разработка модульных тестов"),
        Theme("Отладка программ. Инструменты отладчика", 4),
        Theme("Система контроля версий Git", 4),
        Numbered(Practical, "Работа с удалённым репозиторием"),
        Theme("Документирование программного кода", 2),
        Theme("Оптимизация программного кода", 4),
        Numbered(Control, "Тестирование и отладка программных модулей"),
    ],
};

pub static TRAINING_PRACTICE: Syllabus = Syllabus {
    theme_work_type: WorkType::Lesson,
    continuations: &[
        "выполнение задания",
        "продолжение работы над заданием",
        "проверка и защита результата",
    ],
    entries: &[
        Theme(
            "Инструктаж по охране труда. Цели и задачи учебной практики",
            2,
        ),
        Theme("Установка и настройка среды разработки", 4),
        Theme("Разработка спецификации программного модуля", 4),
        Theme(
            "Разработка алгоритма и кода модуля по индивидуальному заданию",
            8,
        ),
        Theme("Разработка пользовательского интерфейса модуля", 6),
        Theme("Подключение модуля к базе данных", 6),
        Theme("Тестирование и отладка разработанного модуля", 6),
        Theme("Оформление документации к программному модулю", 4),
        Theme("Подготовка отчёта по учебной практике", 4),
        Single(
            "Дифференцированный зачёт по учебной практике УП.01",
            WorkType::Test,
        ),
    ],
};

/// Lays the programme out over `total_hours` (even: every lesson is a pair of 2 hours) as КТП
/// topics whose hours sum to exactly `total_hours`.
///
/// Each theme gets a share of pairs by its weight (at least one). Its first pair is split into two
/// 1-hour topics (the theme, then the theme with a continuation), so a paired lesson shows a topic
/// per hour; further pairs are 2-hour topics «<тема>: <continuation>». Numbered works and single
/// lessons take one pair. With fewer pairs than lines the programme is cut at the end.
pub fn lay_out(syllabus: &Syllabus, total_hours: u32) -> Vec<PlannedTopic> {
    let total_pairs = (total_hours / 2) as usize;
    let entries = syllabus.entries;
    let mut pairs: Vec<usize> = vec![1; entries.len()];
    if total_pairs < entries.len() {
        pairs.truncate(total_pairs);
    } else {
        let themes: Vec<usize> = (0..entries.len())
            .filter(|&i| matches!(entries[i], Theme(..)))
            .collect();
        let fixed = entries.len() - themes.len();
        let weight_sum: u32 = themes
            .iter()
            .map(|&i| match entries[i] {
                Theme(_, w) => w.max(2),
                _ => 0,
            })
            .sum();
        let available = total_pairs - fixed;
        for &i in &themes {
            if let Theme(_, w) = entries[i] {
                let share = f64::from(w.max(2)) * available as f64 / f64::from(weight_sum.max(1));
                pairs[i] = (share.floor() as usize).max(1);
            }
        }
        // Settle rounding: take from the biggest themes, give to themes in programme order.
        let mut sum: usize = pairs.iter().sum();
        while sum > total_pairs {
            let Some(&biggest) = themes.iter().max_by_key(|&&i| (pairs[i], usize::MAX - i)) else {
                break;
            };
            if pairs[biggest] <= 1 {
                break;
            }
            pairs[biggest] -= 1;
            sum -= 1;
        }
        let mut k = 0;
        while sum < total_pairs && !themes.is_empty() {
            pairs[themes[k % themes.len()]] += 1;
            sum += 1;
            k += 1;
        }
    }

    let mut out = Vec::new();
    let mut numbers = std::collections::BTreeMap::<&'static str, u32>::new();
    for (entry, &n) in entries.iter().zip(pairs.iter()) {
        match *entry {
            Theme(title, _) => {
                let cont = syllabus.continuations;
                // «Тема: продолжение», or «Тема: уточнение — продолжение» when the theme has a colon.
                let joint = if title.contains(':') { " — " } else { ": " };
                let continued = |i: usize| {
                    let base = cont[i % cont.len()];
                    if i < cont.len() {
                        format!("{title}{joint}{base}")
                    } else {
                        format!("{title}{joint}{base} (часть {})", i / cont.len() + 1)
                    }
                };
                out.push(PlannedTopic {
                    title: title.to_string(),
                    hours: 1,
                    work_type: syllabus.theme_work_type,
                    work_number: None,
                });
                out.push(PlannedTopic {
                    title: continued(0),
                    hours: 1,
                    work_type: WorkType::Lesson,
                    work_number: None,
                });
                for i in 1..n {
                    out.push(PlannedTopic {
                        title: continued(i),
                        hours: 2,
                        work_type: WorkType::Lesson,
                        work_number: None,
                    });
                }
            }
            Numbered(work_type, topic) => {
                let name = work_type.name_ru();
                let number = numbers.entry(name).or_insert(0);
                *number += 1;
                out.push(PlannedTopic {
                    title: format!("{name} № {number}. {topic}"),
                    hours: 2,
                    work_type,
                    work_number: Some(*number),
                });
            }
            Single(title, work_type) => out.push(PlannedTopic {
                title: title.to_string(),
                hours: 2,
                work_type,
                work_number: None,
            }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: &[&Syllabus] = &[
        &RUSSIAN_AND_LITERATURE,
        &MATHEMATICS_1,
        &MATHEMATICS_2,
        &FOREIGN_LANGUAGE,
        &HISTORY,
        &PHYSICAL_EDUCATION,
        &INFORMATICS,
        &SPEECH_CULTURE,
        &PROGRAMMING_BASICS,
        &MODULE_DEVELOPMENT,
        &TRAINING_PRACTICE,
    ];

    #[test]
    fn layout_fills_exactly_the_hours() {
        for s in ALL {
            for hours in [0u32, 2, 10, 40, 68, 136, 240, 400] {
                let plan = lay_out(s, hours);
                let sum: u32 = plan.iter().map(|t| u32::from(t.hours)).sum();
                assert_eq!(sum, hours, "КТП hours must equal the load's hours");
            }
        }
    }

    #[test]
    fn every_topic_passes_the_topic_rule() {
        for s in ALL {
            for t in lay_out(s, 300) {
                assert!(
                    journal_core::topic::validate_topic(&t.title, t.work_type, t.work_number)
                        .is_ok(),
                    "generated topic «{}» must pass the topic rule",
                    t.title
                );
            }
        }
    }

    #[test]
    fn works_are_numbered_per_kind() {
        let plan = lay_out(&MATHEMATICS_1, 240);
        let controls: Vec<_> = plan
            .iter()
            .filter(|t| t.work_type == WorkType::Control)
            .map(|t| t.work_number)
            .collect();
        assert_eq!(
            controls,
            vec![Some(1), Some(2), Some(3), Some(4), Some(5)],
            "control works numbered 1..5"
        );
        assert!(plan[8..]
            .iter()
            .any(|t| t.title.starts_with("Контрольная работа № 1. ")));
    }
}
