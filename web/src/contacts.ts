// «Контакты»: the curator keeps their group's students' and parents' contact data (phone, e-mail,
// address; for a parent how they are related), the administrator and the deputy any group's. The
// data stays on the server (personal data): it is never in a teacher's copy.

import { getJson, sendJson, currentUser } from "./api";
import { formView, h, messageOf, notice, today } from "./dom";
import type { Uuid } from "./types";

interface StudentContacts {
  phone: string;
  email: string;
  address: string;
}

interface ParentContacts {
  relation: string;
  phone: string;
  email: string;
}

interface StudentCard {
  student_id: Uuid;
  full_name: string;
  groups: string[];
  contacts: StudentContacts;
  parents: { user_id: Uuid; full_name: string; login: string; contacts: ParentContacts }[];
  updated_at: string | null;
}

interface SnapshotPart {
  snapshot: {
    groups: { id: Uuid; name: string }[];
    students: { id: Uuid; last_name: string; first_name: string; patronymic: string | null }[];
    memberships: { student_id: Uuid; group_id: Uuid; from: string; to: string | null }[];
  };
}

const KEEPS_ALL = ["admin", "deputy"];
const FIELD_CODES = { invalid_phone: "phone", invalid_email: "email", invalid_contact: "address", forbidden_character: "address" };

export async function contactsScreen(main: HTMLElement): Promise<void> {
  const user = await currentUser();
  main.append(
    h("h1", {}, "Контакты"),
    h("p", { class: "hint" }, "Телефоны, электронная почта и адреса обучающихся и их родителей (законных представителей). Это персональные данные: они хранятся только на сервере учреждения и в журнал преподавателя не попадают."),
  );
  const snap = await getJson<SnapshotPart>("/sync/snapshot");
  const curated = new Set(user.grants.filter((g) => g.role === "curator" && g.group_id).map((g) => g.group_id as string));
  const all = user.roles.some((r) => KEEPS_ALL.includes(r));
  const groups = snap.snapshot.groups.filter((g) => all || curated.has(g.id)).sort((a, b) => a.name.localeCompare(b.name, "ru"));
  if (groups.length === 0) {
    main.append(notice("info", "Контакты ведут куратор своей группы, заместитель директора и администратор.", "contacts-no-group"));
    return;
  }
  const select = h("select", { id: "contacts-group", "data-testid": "contacts-group" });
  for (const g of groups) select.append(h("option", { value: g.id }, g.name));
  const list = h("div", { class: "contacts-list", "data-testid": "contacts-list" });
  const cardBox = h("div", { "data-testid": "contacts-card" });
  const day = today();
  const showList = () => {
    const ids = new Set(
      snap.snapshot.memberships
        .filter((m) => m.group_id === select.value && m.from <= day && (!m.to || day <= m.to))
        .map((m) => m.student_id),
    );
    const students = snap.snapshot.students
      .filter((s) => ids.has(s.id))
      .map((s) => ({ id: s.id, name: [s.last_name, s.first_name, s.patronymic].filter(Boolean).join(" ") }))
      .sort((a, b) => a.name.localeCompare(b.name, "ru"));
    list.replaceChildren(
      h(
        "ol",
        { class: "contacts-students" },
        ...students.map((s) =>
          h("li", {}, h("button", { type: "button", class: "link", "data-testid": `contacts-student-${s.id}`, onclick: () => void openCard(s.id) }, s.name)),
        ),
      ),
    );
    cardBox.replaceChildren();
  };
  const openCard = async (id: Uuid) => {
    cardBox.replaceChildren(h("p", { class: "loading" }, "Загрузка…"));
    try {
      renderCard(await getJson<StudentCard>(`/students/${id}/card`));
    } catch (e) {
      cardBox.replaceChildren(notice("error", messageOf(e), "contacts-error"));
    }
  };
  const renderCard = (card: StudentCard) => {
    const own = formView({
      testid: "contacts-student",
      submit: "Сохранить контакты обучающегося",
      fields: [
        { name: "phone", label: "Телефон", value: card.contacts.phone, hint: "Например, +7 912 345-67-89" },
        { name: "email", label: "Электронная почта", value: card.contacts.email },
        { name: "address", label: "Адрес", value: card.contacts.address },
      ],
      fieldOfCode: FIELD_CODES,
      onSubmit: async (v) => {
        const saved = await sendJson<StudentCard>("PUT", `/students/${card.student_id}/contacts`, { phone: v.value("phone"), email: v.value("email"), address: v.value("address") });
        renderCard(saved);
        cardBox.prepend(notice("ok", "Контакты обучающегося сохранены", "contacts-saved"));
      },
    });
    const parents = card.parents.map((p) => {
      const f = formView({
        testid: `contacts-parent-${p.login}`,
        submit: "Сохранить контакты родителя",
        inline: true,
        fields: [
          { name: "relation", label: "Кем приходится", value: p.contacts.relation, hint: "мать, отец, опекун…" },
          { name: "phone", label: "Телефон", value: p.contacts.phone },
          { name: "email", label: "Электронная почта", value: p.contacts.email },
        ],
        fieldOfCode: { ...FIELD_CODES, forbidden_character: "relation", invalid_contact: "relation" },
        onSubmit: async (v) => {
          const saved = await sendJson<StudentCard>("PUT", `/students/${card.student_id}/parents/${p.user_id}`, { relation: v.value("relation"), phone: v.value("phone"), email: v.value("email") });
          renderCard(saved);
          cardBox.prepend(notice("ok", `Контакты родителя (${p.full_name}) сохранены`, "contacts-saved"));
        },
      });
      return h("section", { class: "contacts-parent" }, h("h3", {}, `${p.full_name} (${p.login})`), f.form);
    });
    cardBox.replaceChildren(
      h("h2", {}, card.full_name, card.groups.length ? h("small", {}, ` · группа ${card.groups.join(", ")}`) : null),
      own.form,
      h("h2", {}, "Родители (законные представители)"),
      ...(parents.length ? parents : [h("p", { class: "empty" }, "У обучающегося нет родителей с учётной записью: выдайте им логины («Пользователи», бланки входа).")]),
    );
  };
  select.addEventListener("change", showList);
  main.append(
    h("div", { class: "field" }, h("label", { for: "contacts-group" }, "Группа"), select),
    h("div", { class: "contacts-layout" }, list, cardBox),
  );
  showList();
}
