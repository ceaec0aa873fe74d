// The user's conversations, newest first: open, rename (in place), delete.
import type { AppContext } from "../../app/context";
import { errorMessage } from "../../api/problem";
import { h, uid } from "../../ui/dom";
import { MessageSlot, errorWithRetry, loading } from "../../ui/status";
import type { Conversation, Mode } from "../../ai/types";

export interface ConversationList {
  node: HTMLElement;
  reload(): void;
  setCurrent(id: string | null): void;
}

export function conversationList(ctx: AppContext, modes: () => Mode[], onDeleted: (id: string) => void): ConversationList {
  const messages = new MessageSlot();
  const body = h("div", {}, loading("Loading conversations…"));
  let current: string | null = ctx.location.query.get("c");
  let items: Conversation[] = [];

  const modeName = (id: string) => modes().find((m) => m.id === id)?.name ?? id.replace(/_/g, " ");

  const rename = (c: Conversation, li: HTMLElement) => {
    const id = uid("rename");
    const input = h("input", { id, value: c.title, maxlength: 200, autocomplete: "off" });
    const save = h("button", { type: "submit", class: "small" }, "Save");
    const cancel = h("button", { type: "button", class: "ghost small" }, "Cancel");
    const form = h("form", { class: "rename-form", "aria-label": `Rename ${c.title || "conversation"}` }, h("label", { for: id, class: "visually-hidden" }, "New title"), input, h("div", { class: "actions" }, save, cancel));
    cancel.addEventListener("click", () => render());
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const title = input.value.trim();
      if (!title) return messages.error("Give the conversation a title.");
      save.disabled = true;
      save.textContent = "Saving…";
      ctx.api
        .request<Conversation>(`/api/v1/ai/conversations/${encodeURIComponent(c.id)}`, { method: "PATCH", body: { title } })
        .then((updated) => {
          items = items.map((x) => (x.id === c.id ? { ...x, ...updated } : x));
          render();
        })
        .catch((err: unknown) => {
          messages.error(errorMessage(err));
          save.disabled = false;
          save.textContent = "Save";
        });
    });
    li.replaceChildren(form);
    input.focus();
    input.select();
  };

  const remove = (c: Conversation, button: HTMLButtonElement) => {
    if (!window.confirm(`Delete “${c.title || "this conversation"}” and its messages?`)) return;
    button.disabled = true;
    ctx.api
      .request(`/api/v1/ai/conversations/${encodeURIComponent(c.id)}`, { method: "DELETE" })
      .then(() => {
        items = items.filter((x) => x.id !== c.id);
        render();
        onDeleted(c.id);
      })
      .catch((err: unknown) => {
        button.disabled = false;
        messages.error(errorMessage(err));
      });
  };

  const render = () => {
    if (items.length === 0) return body.replaceChildren(h("p", { class: "muted small" }, "No conversations yet. Ask something to start one."));
    const ul = h("ul", { class: "conversations", "aria-label": "Your conversations" });
    for (const c of items) {
      const title = c.title || "Untitled";
      const a = h("a", { href: `#/assistant?c=${encodeURIComponent(c.id)}`, class: "conversation-link", "data-conversation-id": c.id }, h("span", { class: "conversation-title" }, title), h("span", { class: "muted small" }, modeName(c.mode)));
      if (c.id === current) a.setAttribute("aria-current", "page");
      const renameButton = h("button", { type: "button", class: "ghost small", "aria-label": `Rename ${title}` }, "Rename");
      const del = h("button", { type: "button", class: "ghost small danger-text", "aria-label": `Delete ${title}` }, "Delete");
      const li = h("li", { class: "conversation" }, a, h("div", { class: "conversation-actions" }, renameButton, del));
      renameButton.addEventListener("click", () => rename(c, li));
      del.addEventListener("click", () => remove(c, del));
      ul.append(li);
    }
    body.replaceChildren(ul);
  };

  const reload = () => {
    ctx.api
      .get<{ items: Conversation[] }>("/api/v1/ai/conversations?limit=50", ctx.signal)
      .then((page) => {
        items = page.items;
        render();
      })
      .catch((err: unknown) => {
        if (!ctx.signal.aborted) body.replaceChildren(errorWithRetry(errorMessage(err), reload));
      });
  };
  reload();
  return {
    node: h("section", { class: "card ai-sidebar", "aria-labelledby": "ai-conversations" }, h("h2", { id: "ai-conversations" }, "Conversations"), h("p", {}, h("a", { href: "#/assistant", class: "button small" }, "New conversation")), messages.node, body),
    reload,
    setCurrent(id) {
      current = id;
      render();
    },
  };
}
