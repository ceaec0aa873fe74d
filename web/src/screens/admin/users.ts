// Accounts for admins: find by username prefix, change role, disable or enable.
import type { Screen } from "../../app/context";
import type { Account, Page, Role } from "../../api/types";
import { errorMessage } from "../../api/problem";
import { formatTime, h, uid } from "../../ui/dom";
import { MessageSlot, errorBox, loading } from "../../ui/status";
import { adminNav } from "./adminNav";

const ROLES: Role[] = ["user", "moderator", "admin"];
const PAGE_SIZE = 50;

export const usersScreen: Screen = (ctx) => {
  const me = ctx.session.me;
  const messages = new MessageSlot();
  const searchId = uid("f-q");
  const search = h("input", { id: searchId, type: "search", name: "q", placeholder: "Username starts with…", autocomplete: "off" });
  const searchForm = h("form", { class: "inline-form", role: "search", "aria-label": "Find accounts" }, h("label", { for: searchId }, "Find"), search, h("button", { type: "submit" }, "Search"));
  const tbody = h("tbody");
  const table = h(
    "table",
    { class: "data-table" },
    h("caption", { class: "visually-hidden" }, "Accounts"),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "User"), h("th", { scope: "col" }, "Role"), h("th", { scope: "col" }, "Two-factor"), h("th", { scope: "col" }, "Created"), h("th", { scope: "col" }, "Status"))),
    tbody,
  );
  const state = h("div");
  const more = h("button", { type: "button", hidden: true }, "Load more");
  let cursor: string | null = null;

  const patch = (account: Account, change: { role?: Role; disabled?: boolean }) =>
    ctx.api.request<Account>(`/api/v1/admin/users/${encodeURIComponent(account.id)}`, { method: "PATCH", body: change });

  const row = (a: Account): HTMLTableRowElement => {
    const tr = h("tr", { "data-user": a.username });
    const selectId = uid("role");
    const select = h("select", { id: selectId, "aria-label": `Role of ${a.username}` });
    for (const r of ROLES) select.append(h("option", { value: r }, r));
    select.value = a.role;
    const self = a.id === me?.id;
    if (self) select.disabled = true;
    select.addEventListener("change", () => {
      const previous = a.role;
      select.disabled = true;
      patch(a, { role: select.value as Role })
        .then((updated) => {
          Object.assign(a, updated);
          messages.success(`${a.username} is now ${updated.role}. Their sessions were ended.`);
        })
        .catch((err: unknown) => {
          select.value = previous;
          messages.error(errorMessage(err));
        })
        .finally(() => (select.disabled = false));
    });
    const status = h("span", { class: a.disabled ? "pill pill-bad" : "pill pill-ok" }, a.disabled ? "Disabled" : "Active");
    const toggle = h("button", { type: "button", class: "ghost small" }, a.disabled ? "Enable" : "Disable");
    toggle.setAttribute("aria-label", `${a.disabled ? "Enable" : "Disable"} ${a.username}`);
    if (self) toggle.disabled = true;
    toggle.addEventListener("click", () => {
      toggle.disabled = true;
      patch(a, { disabled: !a.disabled })
        .then((updated) => {
          tr.replaceWith(row(updated));
          messages.success(updated.disabled ? `${a.username} is disabled and signed out everywhere.` : `${a.username} can sign in again.`);
        })
        .catch((err: unknown) => {
          toggle.disabled = false;
          messages.error(errorMessage(err));
        });
    });
    tr.append(
      h("th", { scope: "row" }, a.username, self ? h("span", { class: "pill" }, "you") : null),
      h("td", {}, select),
      h("td", {}, a.mfa_enabled ? "On" : "Off"),
      h("td", {}, formatTime(a.created_at_ms, me?.timezone)),
      h("td", { class: "status-cell" }, status, toggle),
    );
    return tr;
  };

  const load = (append: boolean) => {
    if (!append) {
      tbody.replaceChildren();
      cursor = null;
    }
    state.replaceChildren(loading("Loading accounts…"));
    more.hidden = true;
    const params = new URLSearchParams({ limit: String(PAGE_SIZE) });
    if (search.value.trim()) params.set("q", search.value.trim());
    if (append && cursor) params.set("cursor", cursor);
    ctx.api
      .get<Page<Account>>(`/api/v1/admin/users?${params.toString()}`, ctx.signal)
      .then((page) => {
        state.replaceChildren();
        for (const a of page.items) tbody.append(row(a));
        if (tbody.children.length === 0) state.replaceChildren(h("p", { class: "muted" }, "No accounts match."));
        cursor = page.next_cursor;
        // A short page is the last one, whatever cursor the server hands back.
        more.hidden = !cursor || page.items.length < PAGE_SIZE;
      })
      .catch((err: unknown) => {
        if (!ctx.signal.aborted) state.replaceChildren(errorBox(errorMessage(err)));
      });
  };

  searchForm.addEventListener("submit", (e) => {
    e.preventDefault();
    load(false);
  });
  more.addEventListener("click", () => load(true));
  load(false);

  return h(
    "div",
    { class: "page" },
    h("h1", {}, "Administration"),
    adminNav(ctx.location.path),
    h(
      "section",
      { class: "card", "aria-labelledby": "users-title" },
      h("h2", { id: "users-title" }, "Users"),
      h("p", { class: "muted" }, "A role change or a disable ends that account's sessions at once. You cannot change your own account."),
      searchForm,
      messages.node,
      h("div", { class: "table-wrap" }, table),
      state,
      h("div", { class: "actions" }, more),
    ),
  );
};
