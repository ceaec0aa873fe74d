// The audit log for admins: filters, pages of entries, and a check of the hash chain.
import type { Screen } from "../../app/context";
import type { AuditEntry, AuditVerification, Page } from "../../api/types";
import { errorMessage } from "../../api/problem";
import { formatTime, h, uid } from "../../ui/dom";
import { errorBox, loading } from "../../ui/status";
import { adminNav } from "./adminNav";
import { auditQuery } from "./auditFilters";

const PAGE_SIZE = 50;

function filterInput(label: string, name: string, type = "text", placeholder = ""): { node: HTMLElement; input: HTMLInputElement } {
  const id = uid(`f-${name}`);
  const input = h("input", { id, name, type, placeholder, autocomplete: "off" });
  return { node: h("div", { class: "field" }, h("label", { for: id }, label), input), input };
}

export const auditScreen: Screen = (ctx) => {
  const zone = ctx.session.me?.timezone;
  const action = filterInput("Action", "action", "text", "auth.login.succeeded");
  const actor = filterInput("Actor id", "actor_id");
  const target = filterInput("Target id", "target_id");
  const from = filterInput("From", "from", "datetime-local");
  const to = filterInput("To", "to", "datetime-local");
  const filters = h("form", { class: "filter-grid", "aria-label": "Filter the audit log" }, action.node, actor.node, target.node, from.node, to.node, h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, "Apply filters")));

  const tbody = h("tbody");
  const table = h(
    "table",
    { class: "data-table audit-table" },
    h("caption", { class: "visually-hidden" }, "Audit entries, newest first"),
    h("thead", {}, h("tr", {}, ...["#", "Time", "Action", "Actor", "Target", "Address", "Details"].map((c) => h("th", { scope: "col" }, c)))),
    tbody,
  );
  const state = h("div");
  const more = h("button", { type: "button", hidden: true }, "Load older entries");
  let cursor: string | null = null;

  const verifyOut = h("div", { class: "verify-out" });
  const verify = h("button", { type: "button" }, "Verify chain");
  verify.addEventListener("click", () => {
    verify.disabled = true;
    verifyOut.replaceChildren(loading("Walking the chain…"));
    ctx.api
      .get<AuditVerification>("/api/v1/admin/audit/verify", ctx.signal)
      .then((v) => {
        verifyOut.replaceChildren(
          v.ok
            ? h("p", { class: "status status-ok", role: "status" }, `The chain is intact: ${v.entries} entries verified. Head MAC `, h("code", { class: "mac" }, v.head_mac ?? ""))
            : h("p", { class: "status status-error", role: "alert" }, `The chain is broken${v.first_bad_seq !== undefined ? ` at entry #${v.first_bad_seq}` : ""}: ${v.problem ?? "unknown problem"}.`),
        );
      })
      .catch((err: unknown) => verifyOut.replaceChildren(errorBox(errorMessage(err))))
      .finally(() => (verify.disabled = false));
  });

  const short = (id: string) => (id.length > 12 ? `${id.slice(0, 8)}…` : id || "—");
  const idCell = (id: string) => h("td", { title: id }, h("code", {}, short(id)));

  const load = (append: boolean) => {
    if (!append) {
      tbody.replaceChildren();
      cursor = null;
    }
    state.replaceChildren(loading("Loading entries…"));
    more.hidden = true;
    const q = auditQuery({ action: action.input.value, actorId: actor.input.value, targetId: target.input.value, from: from.input.value, to: to.input.value }, append ? cursor : null, PAGE_SIZE);
    ctx.api
      .get<Page<AuditEntry>>(`/api/v1/admin/audit?${q.toString()}`, ctx.signal)
      .then((page) => {
        state.replaceChildren();
        for (const e of page.items) {
          tbody.append(
            h(
              "tr",
              {},
              h("td", {}, String(e.seq)),
              h("td", { class: "nowrap" }, formatTime(e.at_ms, zone)),
              h("td", {}, h("code", {}, e.action)),
              idCell(e.actor_id),
              idCell(e.target_id),
              h("td", {}, e.ip || "—"),
              h("td", { class: "details" }, Object.keys(e.details ?? {}).length ? JSON.stringify(e.details) : "—"),
            ),
          );
        }
        if (tbody.children.length === 0) state.replaceChildren(h("p", { class: "muted" }, "No entries match these filters."));
        cursor = page.next_cursor;
        // A short page is the last one, whatever cursor the server hands back.
        more.hidden = !cursor || page.items.length < PAGE_SIZE;
      })
      .catch((err: unknown) => {
        if (!ctx.signal.aborted) state.replaceChildren(errorBox(errorMessage(err)));
      });
  };

  filters.addEventListener("submit", (e) => {
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
      { class: "card", "aria-labelledby": "verify-title" },
      h("h2", { id: "verify-title" }, "Tamper evidence"),
      h("p", { class: "muted" }, "Each entry is chained to the one before with an HMAC. Verifying walks the whole chain and names the first entry that was edited, deleted or reordered."),
      h("div", { class: "actions" }, verify),
      verifyOut,
    ),
    h("section", { class: "card", "aria-labelledby": "audit-title" }, h("h2", { id: "audit-title" }, "Audit log"), filters, h("div", { class: "table-wrap" }, table), state, h("div", { class: "actions" }, more)),
  );
};
