// Signed-in devices: end one, or every one but this.
import type { Screen } from "../../app/context";
import type { Page, SessionInfo } from "../../api/types";
import { errorMessage } from "../../api/problem";
import { formatTime, h } from "../../ui/dom";
import { MessageSlot, errorBox, loading } from "../../ui/status";
import { describeUserAgent } from "../../ui/userAgent";
import { settingsNav } from "./settingsNav";

export const sessionsScreen: Screen = (ctx) => {
  const zone = ctx.session.me?.timezone;
  const messages = new MessageSlot();
  const list = h("div", { class: "session-list" });
  const others = h("button", { type: "button", class: "danger" }, "Sign out everywhere else");

  const load = () => {
    list.replaceChildren(loading("Loading your devices…"));
    ctx.api
      .get<Page<SessionInfo>>("/api/v1/auth/sessions", ctx.signal)
      .then((page) => show(page.items))
      .catch((err: unknown) => {
        if (!ctx.signal.aborted) list.replaceChildren(errorBox(errorMessage(err)));
      });
  };

  const show = (items: SessionInfo[]) => {
    const sorted = [...items].sort((a, b) => Number(b.current) - Number(a.current) || b.last_used_ms - a.last_used_ms);
    others.disabled = !sorted.some((s) => !s.current);
    const ul = h("ul", { class: "rows", "aria-label": "Signed-in devices" });
    for (const s of sorted) {
      const row = h(
        "li",
        { class: "row session-row", "data-session-id": s.id },
        h(
          "div",
          { class: "row-main" },
          h("strong", {}, describeUserAgent(s.user_agent)),
          s.current ? h("span", { class: "pill" }, "This device") : null,
          h("p", { class: "muted small" }, `Signed in ${formatTime(s.created_at_ms, zone)} · last active ${formatTime(s.last_used_ms, zone)}`),
          h("p", { class: "muted small ua" }, s.user_agent || "No user agent"),
        ),
      );
      if (!s.current) {
        const revoke = h("button", { type: "button", class: "ghost danger-text", "aria-label": `Sign out ${describeUserAgent(s.user_agent)}, last active ${formatTime(s.last_used_ms, zone)}` }, "Sign out");
        revoke.addEventListener("click", () => {
          revoke.disabled = true;
          ctx.api
            .request(`/api/v1/auth/sessions/${encodeURIComponent(s.id)}`, { method: "DELETE" })
            .then(() => {
              messages.success(`Signed out ${describeUserAgent(s.user_agent)}.`);
              load();
            })
            .catch((err: unknown) => {
              revoke.disabled = false;
              messages.error(errorMessage(err));
            });
        });
        row.append(revoke);
      }
      ul.append(row);
    }
    list.replaceChildren(ul);
  };

  others.addEventListener("click", () => {
    others.disabled = true;
    ctx.api
      .request<{ ended: number }>("/api/v1/auth/sessions", { method: "DELETE" })
      .then((res) => {
        messages.success(res.ended === 1 ? "1 other session was signed out." : `${res.ended} other sessions were signed out.`);
        load();
      })
      .catch((err: unknown) => {
        others.disabled = false;
        messages.error(errorMessage(err));
      });
  });

  load();
  return h(
    "div",
    { class: "page" },
    h("h1", {}, "Settings"),
    settingsNav(ctx.location.path),
    h("section", { class: "card", "aria-labelledby": "sessions-title" }, h("h2", { id: "sessions-title" }, "Signed-in devices"), h("p", { class: "muted" }, "Sign out a device you do not recognise. Its access ends at once."), messages.node, list, h("div", { class: "actions" }, others)),
  );
};
