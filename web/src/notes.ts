// «Замечания родителям»: the curator (for the group's students) and a teacher (for their loads'
// students) write a remark meant for a student's parents; it is shown in the parents' diary with
// «Ознакомлен», and here the writer sees who acknowledged and when. The server decides who may
// write (journal-core's WriteParentNote); this screen only offers the students it would accept.

import { ApiFailure, currentUser, getJson, sendJson } from "./api";
import { formView, h, notice, ruDateTime, table } from "./dom";
import { go } from "./main";
import type { Membership, Snapshot, Uuid } from "./types";

export interface NoteAcknowledgement {
  parent_id: Uuid;
  parent_name: string;
  at: string;
}

export interface ParentNote {
  id: Uuid;
  student_id: Uuid;
  student: string;
  author_id: Uuid;
  author: string;
  text: string;
  created_at: string;
  acknowledgements: NoteAcknowledgement[];
}

/** «✓ Ознакомлен(а): …» for each parent who acknowledged, or that nobody has yet. */
export function acknowledgedWords(n: ParentNote): HTMLElement {
  if (n.acknowledgements.length === 0) return h("span", { class: "todo", "data-testid": "note-unacknowledged" }, "родители ещё не ознакомились");
  return h(
    "span",
    { class: "ok", "data-testid": "note-acknowledged" },
    ...n.acknowledgements.flatMap((a, i) => [...(i ? [h("br")] : []), `✓ Ознакомлен(а): ${a.parent_name}, ${ruDateTime(a.at)}`]),
  );
}

export async function notesScreen(main: HTMLElement): Promise<void> {
  const me = await currentUser();
  main.append(
    h("h1", {}, "Замечания родителям"),
    h("p", { class: "hint" }, "Замечание увидят родители (законные представители) обучающегося в электронном дневнике и подтвердят ознакомление кнопкой «Ознакомлен». Пишите по существу: замечание хранится в журнале."),
  );
  const { snapshot } = await getJson<{ snapshot: Snapshot & { memberships: Membership[] } }>("/sync/snapshot");
  // The students this user may write about: the curated group's and those of the user's loads.
  const curated = new Set(me.grants.filter((g) => g.role === "curator" && g.group_id).map((g) => g.group_id as string));
  const taught = snapshot.loads.filter((l) => l.teacher_id === me.id);
  const current = snapshot.memberships.filter((m) => m.to === null);
  const studentIds = new Set(
    current.filter((m) => curated.has(m.group_id) || taught.some((l) => l.group_id === m.group_id && (!l.subgroup_id || l.subgroup_id === m.subgroup_id))).map((m) => m.student_id),
  );
  const groupName = new Map(snapshot.groups.map((g) => [g.id, g.name]));
  const options = snapshot.students
    .filter((s) => studentIds.has(s.id))
    .map((s) => {
      const group = current.find((m) => m.student_id === s.id)?.group_id;
      return { value: s.id, label: `${s.last_name} ${s.first_name}${s.patronymic ? ` ${s.patronymic}` : ""}${group ? ` (${groupName.get(group) ?? ""})` : ""}` };
    })
    .sort((a, b) => a.label.localeCompare(b.label, "ru"));
  if (options.length === 0) {
    main.append(notice("info", "У вас нет обучающихся, родителям которых можно написать замечание.", "notes-no-students"));
  } else {
    const f = formView({
      testid: "note-new",
      submit: "Отправить родителям",
      fields: [
        { name: "student", label: "Обучающийся", type: "select", options },
        { name: "text", label: "Замечание", type: "textarea", required: true, hint: "До 2000 знаков" },
      ],
      fieldOfCode: { invalid_note_text: "text", forbidden_character: "text", note_forbidden: "student", student_not_found: "student" },
      onSubmit: async (v) => {
        await sendJson("POST", "/diary/notes", { student_id: v.value("student"), text: v.value("text") });
        go("/notes");
      },
    });
    main.append(h("section", { class: "card" }, h("h2", {}, "Новое замечание"), f.form));
  }
  main.append(h("h2", {}, "Написанные замечания"));
  try {
    const notes = await getJson<ParentNote[]>("/diary/notes");
    main.append(
      table(
        notes,
        [
          { title: "Дата", cls: "nowrap", cell: (n) => ruDateTime(n.created_at) },
          { title: "Обучающийся", cell: (n) => n.student },
          { title: "Замечание", cell: (n) => h("span", { class: "note-text" }, n.text) },
          { title: "Ознакомление", cell: (n) => acknowledgedWords(n) },
        ],
        "Замечаний родителям пока нет.",
        "notes-table",
      ),
    );
  } catch (e) {
    main.append(notice("error", e instanceof ApiFailure ? e.message : "Список не загрузился"));
  }
}
