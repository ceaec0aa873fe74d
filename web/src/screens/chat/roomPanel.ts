// The room's side panel, one view at a time: pinned messages, search, members (with
// moderation and invitations), or the edit history of a message. Opened from the
// room's toolbar (or a message's "edited" button); Escape closes it.
import type { AppContext } from "../../app/context";
import { errorMessage } from "../../api/problem";
import { formatTime, h, uid } from "../../ui/dom";
import { MessageSlot, errorBox, loading } from "../../ui/status";
import { MUTE_CHOICES, mayInvite, mayModerate, memberActions, mutedText, type RoomRole } from "../../chat/moderation";
import type { ChatMessage, Room } from "../../chat/types";
import { authorName, type Viewer } from "./messageView";
import { messageText } from "./messageText";

export type PanelView = "pins" | "search" | "members" | "history";

interface Member {
  user_id: string;
  role: RoomRole;
  joined_at_ms: number;
  muted_until_ms: number | null;
}

interface Edit {
  version: number;
  text: string;
  replaced_at_ms: number;
}

export interface RoomPanel {
  node: HTMLElement;
  toolbar: HTMLElement;
  open(view: PanelView, message?: ChatMessage): void;
  /** Something changed in the room that the open view shows (a pin, a member event). */
  changed(what: "pins" | "members"): void;
  setRoom(room: Room): void;
}

export function roomPanel(ctx: AppContext, roomId: string, viewer: Viewer, onShowMessage: (id: string) => void): RoomPanel {
  const path = `/api/v1/rooms/${encodeURIComponent(roomId)}`;
  const zone = viewer.timeZone;
  const siteModerator = ctx.session.me?.role === "moderator" || ctx.session.me?.role === "admin";
  let room: Room | null = null;
  let current: PanelView | null = null;
  const banned = new Set<string>();

  const heading = h("h3", { id: uid("panel-title") });
  const close = h("button", { type: "button", class: "ghost small", "aria-label": "Close the panel" }, "✕");
  const content = h("div", { class: "panel-content" });
  const node = h("section", { class: "room-panel", hidden: true, "aria-labelledby": heading.id, id: uid("room-panel") }, h("div", { class: "panel-head" }, heading, close), content);
  const buttons = new Map<PanelView, HTMLButtonElement>();
  const toolbar = h("div", { class: "room-toolbar", role: "toolbar", "aria-label": "Room tools" });
  for (const [view, label] of [
    ["pins", "Pinned"],
    ["search", "Search"],
    ["members", "Members"],
  ] as const) {
    const b = h("button", { type: "button", class: "ghost small", "aria-expanded": "false", "aria-controls": node.id }, label);
    b.addEventListener("click", () => (current === view ? hide() : open(view)));
    buttons.set(view, b);
    toolbar.append(b);
  }

  const hide = () => {
    // Focus inside the closing panel goes back to the tool that opened it.
    if (node.contains(document.activeElement) && current) (buttons.get(current) ?? buttons.get("pins"))?.focus();
    current = null;
    node.hidden = true;
    for (const b of buttons.values()) b.setAttribute("aria-expanded", "false");
  };
  close.addEventListener("click", hide);
  node.addEventListener("keydown", (e) => {
    if (e.key === "Escape") hide();
  });

  const messageItem = (m: ChatMessage, extra?: HTMLElement) => {
    const show = h("button", { type: "button", class: "ghost small" }, "Show");
    show.addEventListener("click", () => onShowMessage(m.id));
    return h(
      "li",
      { class: "panel-msg", "data-id": m.id },
      h("div", { class: "msg-meta" }, h("strong", {}, authorName(m.author, viewer)), h("time", { class: "muted small", datetime: new Date(m.created_at_ms).toISOString() }, formatTime(m.created_at_ms, zone))),
      h("p", { class: "msg-text" }, messageText(m.text, viewer.username)),
      h("div", { class: "actions" }, show, extra ?? null),
    );
  };

  const pins = () => {
    content.replaceChildren(loading("Loading pinned messages…"));
    ctx.api
      .get<{ items: ChatMessage[] }>(`${path}/pins`, ctx.signal)
      .then((page) => {
        if (current !== "pins") return;
        if (page.items.length === 0) return content.replaceChildren(h("p", { class: "muted" }, "Nothing is pinned in this room."));
        content.replaceChildren(h("ol", { class: "panel-list pins-list", "aria-label": "Pinned messages" }, ...[...page.items].reverse().map((m) => messageItem(m))));
      })
      .catch((err: unknown) => {
        if (!ctx.signal.aborted) content.replaceChildren(errorBox(errorMessage(err)));
      });
  };

  const search = () => {
    const id = uid("room-search");
    const input = h("input", { id, type: "search", maxlength: 200, autocomplete: "off" });
    const go = h("button", { type: "submit" }, "Search");
    const results = h("div", { class: "search-results", "aria-live": "polite" });
    const form = h("form", { class: "inline-form", role: "search", "aria-label": "Search this room" }, h("label", { for: id }, "Find messages containing"), input, go);
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const q = input.value.trim();
      if (!q) return results.replaceChildren(errorBox("Type something to look for."));
      go.disabled = true;
      results.replaceChildren(loading("Searching…"));
      ctx.api
        .get<{ items: ChatMessage[] }>(`${path}/search?q=${encodeURIComponent(q)}&limit=50`, ctx.signal)
        .then((page) => {
          results.replaceChildren(
            h("p", { class: "muted small" }, page.items.length === 0 ? `No message contains “${q}”.` : page.items.length === 1 ? "1 message, newest first." : `${page.items.length} messages, newest first.`),
            page.items.length ? h("ol", { class: "panel-list", "aria-label": "Search results" }, ...page.items.map((m) => messageItem(m))) : "",
          );
        })
        .catch((err: unknown) => results.replaceChildren(errorBox(errorMessage(err))))
        .finally(() => (go.disabled = false));
    });
    content.replaceChildren(form, results);
    input.focus();
  };

  const history = (m: ChatMessage) => {
    content.replaceChildren(loading("Loading the edit history…"));
    ctx.api
      .get<{ message: ChatMessage; items: Edit[] }>(`${path}/messages/${encodeURIComponent(m.id)}/edits`, ctx.signal)
      .then((r) => {
        if (current !== "history") return;
        const ol = h("ol", { class: "panel-list edit-history", "aria-label": "Earlier versions, oldest first" });
        for (const e of r.items) ol.append(h("li", {}, h("p", { class: "muted small" }, `Version ${e.version} · replaced ${formatTime(e.replaced_at_ms, zone)}`), h("p", { class: "msg-text" }, messageText(e.text, viewer.username))));
        ol.append(h("li", { class: "current-version" }, h("p", { class: "muted small" }, `Now${r.message.edited_at_ms ? ` · edited ${formatTime(r.message.edited_at_ms, zone)}` : ""}`), h("p", { class: "msg-text" }, messageText(r.message.text, viewer.username))));
        content.replaceChildren(r.items.length ? ol : h("p", { class: "muted" }, "No earlier versions."));
      })
      .catch((err: unknown) => {
        if (!ctx.signal.aborted) content.replaceChildren(errorBox(errorMessage(err)));
      });
  };

  const members = () => {
    const messages = new MessageSlot();
    const list = h("ul", { class: "panel-list members", "aria-label": "Members" }, h("li", {}, loading("Loading members…")));
    const mine = room?.role as RoomRole | undefined;
    const direct = room?.visibility === "direct";
    const act = (label: string, busy: string, run: () => Promise<unknown>, done: string) => {
      const b = h("button", { type: "button", class: "ghost small" }, label);
      b.addEventListener("click", () => {
        b.disabled = true;
        b.textContent = busy;
        run()
          .then(() => {
            messages.success(done);
            load();
          })
          .catch((err: unknown) => {
            messages.error(errorMessage(err));
            b.disabled = false;
            b.textContent = label;
          });
      });
      return b;
    };
    const row = (m: Member) => {
      const name = authorName(m.user_id, viewer);
      const muted = mutedText(m.muted_until_ms);
      const allowed = memberActions(mine, m.role, m.user_id === viewer.id, direct, siteModerator);
      const tools = h("div", { class: "actions member-actions" });
      const uidPath = `${path}/members/${encodeURIComponent(m.user_id)}`;
      if (allowed.changeRole) {
        const id = uid("role");
        const sel = h("select", { id }, ...(["member", "moderator", "owner"] as const).map((r) => h("option", { value: r }, r)));
        sel.value = m.role;
        sel.addEventListener("change", () => {
          const role = sel.value;
          if (role === "owner" && !window.confirm(`Hand the room over to ${name}? You become a moderator.`)) {
            sel.value = m.role;
            return;
          }
          sel.disabled = true;
          ctx.api
            .request(uidPath, { method: "PATCH", body: { role } })
            .then(() => {
              messages.success(`${name} is now ${role === "owner" ? "the owner" : `a ${role}`}.`);
              if (role === "owner" && room) room = { ...room, role: "moderator" };
              load();
            })
            .catch((err: unknown) => {
              messages.error(errorMessage(err));
              sel.value = m.role;
              sel.disabled = false;
            });
        });
        tools.append(h("label", { for: id, class: "visually-hidden" }, `Role of ${name}`), sel);
      }
      if (allowed.mute) {
        if (muted) tools.append(act("Unmute", "Unmuting…", () => ctx.api.request(`${path}/mutes`, { method: "POST", body: { user_id: m.user_id, seconds: 0 } }), `${name} may write again.`));
        else {
          const id = uid("mute");
          const sel = h("select", { id }, ...MUTE_CHOICES.map((c) => h("option", { value: String(c.seconds) }, c.label)));
          tools.append(h("label", { for: id, class: "visually-hidden" }, `Mute ${name} for`), sel, act("Mute", "Muting…", () => ctx.api.request(`${path}/mutes`, { method: "POST", body: { user_id: m.user_id, seconds: Number(sel.value) } }), `${name} is muted.`));
        }
      }
      if (allowed.kick) tools.append(act("Remove", "Removing…", () => ctx.api.request(uidPath, { method: "DELETE" }), `${name} was removed from the room.`));
      if (allowed.ban)
        tools.append(
          act(
            "Ban",
            "Banning…",
            () => ctx.api.request(`${path}/bans/${encodeURIComponent(m.user_id)}`, { method: "PUT", body: {} }).then(() => banned.add(m.user_id)),
            `${name} is banned from the room.`,
          ),
        );
      for (const b of tools.querySelectorAll("button")) b.setAttribute("aria-label", `${b.textContent} ${name}`);
      return h("li", { class: "member", "data-user-id": m.user_id, "data-role": m.role }, h("div", { class: "row-main" }, h("strong", {}, name), h("span", { class: "pill" }, m.role), muted ? h("span", { class: "muted small" }, ` · ${muted}`) : null), tools);
    };
    const bans = h("div", { class: "bans" });
    const showBans = () => {
      bans.replaceChildren();
      if (banned.size === 0 || !mayModerate(mine, siteModerator)) return;
      const ul = h("ul", { class: "panel-list", "aria-label": "Banned in this visit" });
      for (const id of banned) {
        const name = authorName(id, viewer);
        const lift = h("button", { type: "button", class: "ghost small", "aria-label": `Lift the ban on ${name}` }, "Lift the ban");
        lift.addEventListener("click", () => {
          lift.disabled = true;
          ctx.api
            .request(`${path}/bans/${encodeURIComponent(id)}`, { method: "DELETE" })
            .then(() => {
              banned.delete(id);
              messages.success(`${name} may join or be invited again.`);
              showBans();
            })
            .catch((err: unknown) => {
              lift.disabled = false;
              messages.error(errorMessage(err));
            });
        });
        ul.append(h("li", { class: "member" }, h("span", {}, `${name} (banned)`), lift));
      }
      bans.append(h("h4", {}, "Banned"), ul);
    };
    const load = () => {
      ctx.api
        .get<{ items: Member[] }>(`${path}/members?limit=200`, ctx.signal)
        .then((page) => {
          if (current !== "members") return;
          const order: Record<string, number> = { owner: 0, moderator: 1, member: 2 };
          list.replaceChildren(...[...page.items].sort((a, b) => order[a.role] - order[b.role]).map(row));
          showBans();
        })
        .catch((err: unknown) => {
          if (!ctx.signal.aborted) list.replaceChildren(h("li", {}, errorBox(errorMessage(err))));
        });
    };
    reloadMembers = load;
    content.replaceChildren(messages.node, list, bans);
    if (room && mayInvite(mine, room.visibility, siteModerator)) {
      const id = uid("invite");
      const input = h("input", { id, autocomplete: "off", maxlength: 64, spellcheck: "false" });
      const go = h("button", { type: "submit" }, "Invite");
      const form = h("form", { class: "inline-form", "aria-label": "Invite someone" }, h("label", { for: id }, "Invite by username"), input, go);
      form.addEventListener("submit", (e) => {
        e.preventDefault();
        const user = input.value.trim().replace(/^@/, "");
        if (!user) return messages.error("Give the username of the person to invite.");
        go.disabled = true;
        go.textContent = "Inviting…";
        ctx.api
          .request(`${path}/invites`, { method: "POST", body: { user } })
          .then(() => {
            messages.success(`@${user} is now a member of the room.`);
            input.value = "";
            load();
          })
          .catch((err: unknown) => messages.error(errorMessage(err)))
          .finally(() => {
            go.disabled = false;
            go.textContent = "Invite";
          });
      });
      content.append(form);
    }
    load();
  };
  let reloadMembers: (() => void) | null = null;

  const open = (view: PanelView, message?: ChatMessage) => {
    current = view;
    node.hidden = false;
    for (const [v, b] of buttons) b.setAttribute("aria-expanded", String(v === view));
    heading.textContent = view === "pins" ? "Pinned messages" : view === "search" ? "Search this room" : view === "members" ? "Members" : "Edit history";
    if (view === "pins") pins();
    else if (view === "search") search();
    else if (view === "members") members();
    else if (message) history(message);
  };

  return {
    node,
    toolbar,
    open,
    changed(what) {
      if (what === "pins" && current === "pins") pins();
      if (what === "members" && current === "members") reloadMembers?.();
    },
    setRoom(r) {
      room = r;
    },
  };
}
