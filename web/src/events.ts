// «События»: the administration announces events (родительское собрание, экскурсия, концерт) for
// the whole institution or a group, a curator for their own group; each appears on its day in the
// diary of the group's students and their parents. The list shows what is coming; the author or the
// administration removes an event.

import { getJson, sendDelete, sendJson, currentUser } from "./api";
import { button, formView, h, messageOf, notice, ruDate, table, today } from "./dom";
import type { Uuid } from "./types";

interface EventView {
  id: Uuid;
  group_id: Uuid | null;
  group: string | null;
  date: string;
  time: string | null;
  title: string;
  place: string;
  author_name: string;
  removable: boolean;
  created_at: string;
}

/** Roles that announce for the whole institution and any group. */
const ADMINISTRATION = ["admin", "director", "deputy"];

export async function eventsScreen(main: HTMLElement): Promise<void> {
  const user = await currentUser();
  main.append(
    h("h1", {}, "События"),
    h(
      "p",
      { class: "hint" },
      "Собрания, экскурсии, мероприятия: событие группы видят в дневнике её обучающиеся и их родители, событие учреждения — все. Куратор объявляет события своей группы.",
    ),
  );
  const administration = user.roles.some((r) => ADMINISTRATION.includes(r));
  const snapshot = await getJson<{ snapshot: { groups: { id: Uuid; name: string }[] } }>("/sync/snapshot");
  const curated = new Set(user.grants.filter((g) => g.role === "curator" && g.group_id).map((g) => g.group_id as string));
  const groups = snapshot.snapshot.groups
    .filter((g) => administration || curated.has(g.id))
    .sort((a, b) => a.name.localeCompare(b.name, "ru"));
  const options = [
    ...(administration ? [{ value: "", label: "Всё учреждение" }] : []),
    ...groups.map((g) => ({ value: g.id, label: `Группа ${g.name}` })),
  ];
  const list = h("div", { "data-testid": "events-list" });
  const show = async () => {
    list.replaceChildren(h("p", { class: "loading" }, "Загрузка…"));
    try {
      const events = await getJson<EventView[]>("/events", { from: today() });
      list.replaceChildren(
        h("h2", {}, "Ближайшие события (60 дней)"),
        table(
          events,
          [
            { title: "Дата", cell: (e) => ruDate(e.date) },
            { title: "Время", cell: (e) => e.time ?? "весь день" },
            { title: "Событие", cell: (e) => e.title },
            { title: "Место", cell: (e) => e.place || "—" },
            { title: "Для кого", cell: (e) => (e.group ? `Группа ${e.group}` : "Всё учреждение") },
            { title: "Объявил", cell: (e) => e.author_name },
            {
              title: "",
              cell: (e) =>
                e.removable
                  ? button(
                      "Снять",
                      async () => {
                        if (!confirm(`Снять событие «${e.title}» ${ruDate(e.date)}?`)) return;
                        try {
                          await sendDelete(`/events/${e.id}`);
                          await show();
                        } catch (err) {
                          list.prepend(notice("error", messageOf(err), "events-remove-error"));
                        }
                      },
                      `event-remove-${e.id}`,
                    )
                  : "",
            },
          ],
          "Событий на ближайшие 60 дней нет.",
          "events-table",
        ),
      );
    } catch (err) {
      list.replaceChildren(notice("error", messageOf(err), "events-error"));
    }
  };
  if (options.length === 0) {
    main.append(notice("info", "Объявлять события могут администрация и куратор своей группы.", "events-no-group"));
  } else {
    const f = formView({
      testid: "event",
      submit: "Объявить",
      fields: [
        { name: "group", label: "Для кого", type: "select", options, value: options[0].value },
        { name: "date", label: "Дата", type: "date", required: true, value: today() },
        { name: "time", label: "Время", hint: "ЧЧ:ММ; пусто — весь день" },
        { name: "title", label: "Событие", required: true, hint: "Например, Родительское собрание" },
        { name: "place", label: "Место", hint: "Например, Актовый зал" },
      ],
      fieldOfCode: {
        event_title: "title",
        event_place: "place",
        event_time: "time",
        event_outside_year: "date",
        group_not_found: "group",
      },
      onSubmit: async (v) => {
        const created = await sendJson<EventView>("POST", "/events", {
          group_id: v.value("group") || undefined,
          date: v.value("date"),
          time: v.value("time") || undefined,
          title: v.value("title"),
          place: v.value("place"),
        });
        v.input("title").value = "";
        v.input("place").value = "";
        v.input("time").value = "";
        v.done(`Событие «${created.title}» ${ruDate(created.date)} объявлено`, "event-added");
        await show();
      },
    });
    main.append(h("h2", {}, "Новое событие"), f.form);
  }
  main.append(list);
  await show();
}
