//! Login slips («листки с логинами»): one cut-out slip per person with the login, the first
//! password and the server's address, four to an A4 page, for the curator or the administrator
//! to hand out (002 п. 6.3: «обучающиеся получают реквизиты доступа … через кураторов групп»).
//! Unlike the journal's documents these carry no verification stamp: the passwords are not kept
//! anywhere else, so the PDF's metadata names no request and holds no codes.

use crate::fonts::Face;
use crate::layout::{line_h, Page, BOTTOM, TOP};
use crate::pdf::{save, Doc};
use crate::{PrintContext, PrintError};

/// One person's slip.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginSlip {
    /// Full name, as in the journal.
    pub full_name: String,
    /// «Студент» or «Родитель (законный представитель) студента Фамилия Имя».
    pub who: String,
    /// The group's name.
    pub group: String,
    pub login: String,
    pub password: String,
}

/// Slips on a page: the page's content height split evenly.
const PER_PAGE: usize = 4;

/// The slips as a PDF: `institution` heads each slip, `server_url` is the address to sign in at.
pub fn login_slips(
    institution: &str,
    server_url: &str,
    slips: &[LoginSlip],
    ctx: &PrintContext,
) -> Result<Vec<u8>, PrintError> {
    let mut doc = Doc::new(
        "Реквизиты доступа к электронному журналу".into(),
        "Логины и первые пароли".into(),
        institution.to_string(),
    );
    doc.mirror = false;
    let height = (BOTTOM - TOP) / PER_PAGE as f32;
    let pages = slips.len().div_ceil(PER_PAGE).max(1);
    for (i, slip) in slips.iter().enumerate() {
        if i % PER_PAGE == 0 {
            doc.new_page();
        }
        let top = TOP + (i % PER_PAGE) as f32 * height;
        slip_on(doc.last(), top, height, institution, server_url, slip);
    }
    if slips.is_empty() {
        doc.new_page().centered(
            TOP + 20.0,
            12.0,
            Face::Bold,
            "Нет никого, кому нужен листок",
        );
    }
    for page in &mut doc.pages {
        let text = format!(
            "стр. {} из {} · сформировано {}",
            page.number,
            pages,
            ctx.generated_at.format("%d.%m.%Y %H:%M")
        );
        page.centered(287.0, 7.0, Face::Regular, &text);
    }
    save(&doc, ctx, Vec::new())
}

fn slip_on(
    page: &mut Page,
    top: f32,
    height: f32,
    institution: &str,
    server_url: &str,
    slip: &LoginSlip,
) {
    let (left, width) = (page.left, page.content_width());
    // The cut line under the slip.
    let bottom = top + height;
    let mut x = left;
    while x < page.right {
        page.line(x, bottom, (x + 3.0).min(page.right), bottom, 0.2);
        x += 5.0;
    }
    let mut y = top + 3.0;
    y = page.paragraph(left, y, width, institution, 8.0, Face::Regular);
    y = page.paragraph(
        left,
        y + 1.0,
        width,
        "Доступ к электронному журналу",
        12.0,
        Face::Bold,
    );
    y = page.paragraph(left, y + 1.0, width, &slip.full_name, 11.0, Face::Bold);
    y = page.paragraph(
        left,
        y,
        width,
        &format!("{} · группа {}", slip.who, slip.group),
        9.0,
        Face::Regular,
    );
    let label_w = 28.0;
    for (label, value) in [("Логин:", &slip.login), ("Пароль:", &slip.password)] {
        page.text(
            left,
            y + 1.5 + line_h(12.0) * 0.8,
            10.0,
            Face::Regular,
            label,
        );
        page.text(
            left + label_w,
            y + 1.5 + line_h(12.0) * 0.8,
            12.0,
            Face::Bold,
            value,
        );
        y += line_h(12.0) + 1.5;
    }
    y = page.paragraph(
        left,
        y + 1.0,
        width,
        &format!("Адрес для входа: {server_url}"),
        9.0,
        Face::Regular,
    );
    page.paragraph(
        left,
        y + 0.5,
        width,
        "Этот пароль выдан для первого входа: при первом входе его нужно сменить на свой. \
         Никому не передавайте логин и пароль.",
        8.0,
        Face::Regular,
    );
}
