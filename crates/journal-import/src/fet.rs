//! FET (`.fet`, the free timetabling program's XML): the institution's name, days and hours, the
//! subjects, teachers, the students' tree (years → groups → subgroups), the activities (who teaches
//! what to whom, for how many hours a week, split activities sharing an `Activity_Group_Id`) and,
//! when the file holds a generated timetable, where each activity was placed
//! (`ConstraintActivityPreferredStartingTime`). Read into a plain [`FetFile`]; every element keeps
//! the line of the file it is on, so errors name lines.

use crate::asc::decode_xml;
use crate::error::ImportError;
use crate::text::tidy;
use quick_xml::events::Event;
use serde::Serialize;

/// A name as the file spells it, with its line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FetNamed {
    pub name: String,
    pub line: usize,
}

/// A group of a year with its subgroups.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FetGroup {
    pub name: String,
    pub line: usize,
    pub subgroups: Vec<FetNamed>,
}

/// A year (курс, параллель) of the students' tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FetYear {
    pub name: String,
    pub line: usize,
    pub groups: Vec<FetGroup>,
}

/// One activity: teachers × subject × students sets, `duration` hours a week of this part;
/// `total_duration` is the whole split activity's (the same on each of its parts).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FetActivity {
    pub id: u32,
    /// 0 when the activity is not split; the id shared by the parts of a split one.
    pub group_id: u32,
    pub teachers: Vec<String>,
    pub subject: String,
    pub students: Vec<String>,
    pub duration: u32,
    pub total_duration: u32,
    pub active: bool,
    pub line: usize,
}

/// Where the generated timetable put an activity: its day and its first hour, by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FetPlacement {
    pub activity_id: u32,
    pub day: String,
    pub hour: String,
    pub locked: bool,
    pub line: usize,
}

/// A FET file as read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FetFile {
    pub version: String,
    pub institution: String,
    pub days: Vec<String>,
    pub hours: Vec<String>,
    pub subjects: Vec<FetNamed>,
    pub teachers: Vec<FetNamed>,
    pub years: Vec<FetYear>,
    pub activities: Vec<FetActivity>,
    pub placements: Vec<FetPlacement>,
}

/// An element of the file: its name, text, children and line.
#[derive(Debug, Default)]
struct Node {
    name: String,
    /// The `version` attribute (of `<fet>`).
    version: String,
    text: String,
    line: usize,
    children: Vec<Node>,
}

impl Node {
    fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }
    fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }
    fn text_of(&self, name: &str) -> String {
        self.child(name).map(|c| tidy(&c.text)).unwrap_or_default()
    }
}

fn invalid(message: impl Into<String>) -> ImportError {
    ImportError::FetXml(message.into())
}

/// Reads the XML into a tree of [`Node`]s.
fn read_tree(text: &str) -> Result<Node, ImportError> {
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let line_at = |pos: u64| -> usize {
        let pos = usize::try_from(pos).unwrap_or(usize::MAX);
        line_starts.partition_point(|&s| s <= pos).max(1)
    };
    let mut reader = quick_xml::Reader::from_str(text);
    let mut stack: Vec<Node> = vec![Node::default()];
    loop {
        let start = reader.buffer_position();
        let event = reader.read_event().map_err(|e| {
            invalid(format!(
                "ошибка XML в строке {} ({e})",
                line_at(reader.buffer_position())
            ))
        })?;
        let name_of = |e: &quick_xml::events::BytesStart| e.name().into_inner().to_string();
        // The element starts after any whitespace before its `<`.
        let at = |s: u64| {
            let skip = text
                .get(usize::try_from(s).unwrap_or(0)..)
                .map_or(0, |t| t.len() - t.trim_start().len());
            line_at(s + skip as u64)
        };
        let version_of = |e: &quick_xml::events::BytesStart| {
            e.try_get_attribute("version")
                .ok()
                .flatten()
                .and_then(|a| {
                    a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .ok()
                        .map(|v| v.into_owned())
                })
                .unwrap_or_default()
        };
        match event {
            Event::Start(e) => stack.push(Node {
                name: name_of(&e),
                version: version_of(&e),
                line: at(start),
                ..Node::default()
            }),
            Event::Empty(e) => {
                let node = Node {
                    name: name_of(&e),
                    version: version_of(&e),
                    line: at(start),
                    ..Node::default()
                };
                if let Some(top) = stack.last_mut() {
                    top.children.push(node);
                }
            }
            Event::End(_) => {
                let node = stack
                    .pop()
                    .ok_or_else(|| invalid("лишний закрывающий тег"))?;
                match stack.last_mut() {
                    Some(top) => top.children.push(node),
                    None => return Err(invalid("лишний закрывающий тег")),
                }
            }
            Event::Text(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&t.xml10_content());
                }
            }
            Event::CData(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                let c = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c),
                    Ok(None) => match r.xml10_content().as_ref() {
                        "amp" => Some('&'),
                        "lt" => Some('<'),
                        "gt" => Some('>'),
                        "quot" => Some('"'),
                        "apos" => Some('\''),
                        _ => None,
                    },
                    Err(_) => None,
                };
                let c = c.ok_or_else(|| {
                    invalid(format!(
                        "неизвестная ссылка «&{};» в строке {}",
                        r.xml10_content(),
                        at(start)
                    ))
                })?;
                if let Some(top) = stack.last_mut() {
                    top.text.push(c);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if stack.len() != 1 {
        return Err(invalid("файл оборван: не все теги закрыты"));
    }
    stack
        .pop()
        .and_then(|doc| doc.children.into_iter().find(|c| !c.name.is_empty()))
        .ok_or_else(|| invalid("в файле нет корневого элемента"))
}

fn number(node: &Node, name: &str) -> Result<Option<u32>, ImportError> {
    let t = node.text_of(name);
    if t.is_empty() {
        return Ok(None);
    }
    t.parse().map(Some).map_err(|_| {
        invalid(format!(
            "строка {}: <{name}> «{t}» — не целое число",
            node.child(name).map_or(node.line, |c| c.line)
        ))
    })
}

fn names(list: Option<&Node>, item: &str) -> Vec<FetNamed> {
    list.map(|l| {
        l.all(item)
            .map(|n| FetNamed {
                name: n.text_of("Name"),
                line: n.line,
            })
            .collect()
    })
    .unwrap_or_default()
}

/// Reads a `.fet` file. Its encoding is taken as an XML file's (BOM, the prolog, else UTF-8).
pub fn parse_fet(bytes: &[u8]) -> Result<FetFile, ImportError> {
    let (text, _) = decode_xml(bytes).map_err(|e| match e {
        ImportError::AscXml(m) => invalid(m),
        other => other,
    })?;
    let root = read_tree(&text)?;
    if root.name != "fet" {
        return Err(invalid(format!(
            "это не файл FET: корневой элемент <{}>, а не <fet>",
            root.name
        )));
    }
    let version = root.version.clone();
    let list_names = |list: &str, item: &str| -> Vec<String> {
        root.child(list)
            .map(|l| {
                l.all(item)
                    .map(|d| {
                        let n = d.text_of("Name");
                        if n.is_empty() {
                            tidy(&d.text)
                        } else {
                            n
                        }
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let days = list_names("Days_List", "Day");
    let hours = list_names("Hours_List", "Hour");
    let years = root
        .child("Students_List")
        .map(|l| {
            l.all("Year")
                .map(|y| FetYear {
                    name: y.text_of("Name"),
                    line: y.line,
                    groups: y
                        .all("Group")
                        .map(|g| FetGroup {
                            name: g.text_of("Name"),
                            line: g.line,
                            subgroups: names(Some(g), "Subgroup"),
                        })
                        .collect(),
                })
                .collect()
        })
        .unwrap_or_default();
    let mut activities = Vec::new();
    if let Some(list) = root.child("Activities_List") {
        for a in list.all("Activity") {
            let id = number(a, "Id")?
                .ok_or_else(|| invalid(format!("строка {}: у занятия нет <Id>", a.line)))?;
            let duration = number(a, "Duration")?.unwrap_or(1);
            activities.push(FetActivity {
                id,
                group_id: number(a, "Activity_Group_Id")?.unwrap_or(0),
                teachers: a.all("Teacher").map(|t| tidy(&t.text)).collect(),
                subject: a.text_of("Subject"),
                students: a.all("Students").map(|t| tidy(&t.text)).collect(),
                duration,
                total_duration: number(a, "Total_Duration")?.unwrap_or(duration),
                active: a.text_of("Active") != "false",
                line: a.line,
            });
        }
    }
    let mut placements = Vec::new();
    if let Some(list) = root.child("Time_Constraints_List") {
        for c in list.all("ConstraintActivityPreferredStartingTime") {
            if c.text_of("Active") == "false" {
                continue;
            }
            let Some(activity_id) = number(c, "Activity_Id")? else {
                continue;
            };
            let (day, hour) = (c.text_of("Day"), c.text_of("Hour"));
            // A constraint fixing only the day or only the hour is a wish, not a placement.
            if day.is_empty() || hour.is_empty() {
                continue;
            }
            placements.push(FetPlacement {
                activity_id,
                day,
                hour,
                locked: c.text_of("Permanently_Locked") == "true",
                line: c.line,
            });
        }
    }
    Ok(FetFile {
        version,
        institution: root.text_of("Institution_Name"),
        days,
        hours,
        subjects: names(root.child("Subjects_List"), "Subject"),
        teachers: names(root.child("Teachers_List"), "Teacher"),
        years,
        activities,
        placements,
    })
}
