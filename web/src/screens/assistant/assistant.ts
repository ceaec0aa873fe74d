// The AI assistant: `#/assistant` (a new conversation) and `#/assistant?c=<id>`. A
// mode selector, the conversation list, the answer streaming in over
// `ai:<conversation>` (recovered after a reconnect; the stored messages are fetched
// again when recovery could not fill the gap), a Stop button while it is written.
import type { Screen } from "../../app/context";
import { ApiError, errorMessage } from "../../api/problem";
import { h, uid } from "../../ui/dom";
import { errorBox, errorWithRetry, loading } from "../../ui/status";
import { answering, applyStreamEvent, streamEvent } from "../../ai/answer";
import type { AiMessage, Conversation, Mode, Proposal } from "../../ai/types";
import { conversationList } from "./conversationList";
import { renderMessage, type RenderedMessage } from "./answerView";

const FALLBACK_MODES: Mode[] = [{ id: "fast", name: "Fast" }];

export const assistantScreen: Screen = (ctx) => {
  let conversationId: string | null = ctx.location.query.get("c");
  let conversation: Conversation | null = null;
  let modes: Mode[] = FALLBACK_MODES;
  let messages: AiMessage[] = [];
  let subscribed = false;
  let subscribedOnce = false;
  let waitSubscribed: (() => void) | null = null;
  let subAbort: AbortController | null = null;

  const list = conversationList(ctx, () => modes, (id) => {
    if (id === conversationId) ctx.navigate("/assistant");
  });

  const title = h("h2", { id: uid("ai-title") }, "New conversation");
  const modeId = uid("ai-mode");
  const modeSelect = h("select", { id: modeId, disabled: true });
  const modeHint = h("p", { class: "field-hint", id: `${modeId}-hint` });
  modeSelect.setAttribute("aria-describedby", modeHint.id);
  const status = h("div", { class: "ai-status" });
  const exportButton = h("button", { type: "button", class: "ghost small", hidden: true }, "Export as Markdown");
  exportButton.addEventListener("click", () => {
    if (!conversationId) return;
    exportButton.disabled = true;
    ctx.api
      .validAccessToken()
      .then((token) => fetch(`/api/v1/ai/conversations/${encodeURIComponent(conversationId!)}/export?format=markdown`, { headers: { Authorization: `Bearer ${token}` } }))
      .then(async (res) => {
        if (!res.ok) throw new Error(`The export failed (${res.status}).`);
        const url = URL.createObjectURL(await res.blob());
        const a = h("a", { href: url, download: `${(conversation?.title || "conversation").replace(/[^\w.-]+/g, "-").slice(0, 60)}.md` });
        a.click();
        setTimeout(() => URL.revokeObjectURL(url), 1000);
      })
      .catch((err: unknown) => composerErrors.replaceChildren(errorBox(errorMessage(err))))
      .finally(() => (exportButton.disabled = false));
  });
  const thread = h("ol", { class: "ai-thread", "aria-label": "Conversation", "aria-live": "polite", "aria-relevant": "additions" });
  const scroller = h("div", { class: "ai-scroll", tabindex: "0", "aria-label": "Conversation history" }, thread);
  const inputId = uid("ai-input");
  const input = h("textarea", { id: inputId, rows: 3, maxlength: 8000, placeholder: "Ask about a market, an idea, a chart — Enter sends, Shift+Enter is a new line" });
  const send = h("button", { type: "submit", class: "primary" }, "Ask");
  const stop = h("button", { type: "button", class: "danger", hidden: true }, "Stop");
  const composerErrors = h("div", { class: "message-slot" });
  const composer = h("form", { class: "ai-composer", "aria-label": "Ask the assistant" }, h("label", { for: inputId, class: "visually-hidden" }, "Your question"), input, h("div", { class: "actions" }, send, stop), composerErrors);

  // Rendering: each message node is kept and rebuilt only when that message changed,
  // so a token does not redraw the whole thread (nor recreate an answer's chart).
  const rendered = new Map<string, { key: string; view: RenderedMessage }>();
  ctx.signal.addEventListener("abort", () => {
    for (const r of rendered.values()) r.view.destroy();
  });
  const keyOf = (m: AiMessage) => `${m.status}|${m.content.length}|${m.tool_calls?.map((c) => `${c.id}:${c.result !== undefined}`).join(",") ?? ""}|${m.plan?.length ?? 0}|${m.proposals?.map((p) => p.status).join(",") ?? ""}|${m.error ?? ""}`;
  const onProposal = (messageId: string, p: Proposal) => {
    messages = messages.map((m) => (m.id === messageId ? { ...m, proposals: (m.proposals ?? []).map((x) => (x.id === p.id ? p : x)) } : m));
    render();
  };
  const atBottom = () => scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 60;
  const render = () => {
    const stick = atBottom();
    const nodes: HTMLElement[] = [];
    const seen = new Set<string>();
    for (const m of messages) {
      seen.add(m.id);
      const key = keyOf(m);
      let r = rendered.get(m.id);
      if (!r || r.key !== key) {
        r?.view.destroy();
        r = { key, view: renderMessage(ctx, m, onProposal) };
        rendered.set(m.id, r);
      }
      nodes.push(r.view.node);
    }
    for (const [id, r] of rendered) if (!seen.has(id)) (r.view.destroy(), rendered.delete(id));
    if (nodes.length === 0) nodes.push(h("li", { class: "muted empty ai-empty" }, "Ask a question to begin. Answers can look up quotes, candles and indicators, search the platform, and propose alerts for you to confirm."));
    thread.replaceChildren(...nodes);
    const busy = answering(messages);
    stop.hidden = !busy;
    send.disabled = busy;
    thread.dataset.answering = String(busy);
    if (stick) scroller.scrollTop = scroller.scrollHeight;
  };

  const showModes = () => {
    modeSelect.replaceChildren(...modes.map((m) => h("option", { value: m.id }, m.name)));
    modeSelect.value = conversation?.mode ?? (modes.some((m) => m.id === "fast") ? "fast" : (modes[0]?.id ?? "fast"));
    modeSelect.disabled = false;
    showModeHint();
  };
  const showModeHint = () => {
    modeHint.textContent = modes.find((m) => m.id === modeSelect.value)?.description ?? "";
  };
  modeSelect.addEventListener("change", () => {
    showModeHint();
    if (!conversationId) return;
    const previous = conversation?.mode;
    modeSelect.disabled = true;
    ctx.api
      .request<Conversation>(`/api/v1/ai/conversations/${encodeURIComponent(conversationId)}`, { method: "PATCH", body: { mode: modeSelect.value } })
      .then((c) => {
        conversation = c;
        list.reload();
      })
      .catch((err: unknown) => {
        if (previous) modeSelect.value = previous;
        composerErrors.replaceChildren(errorBox(errorMessage(err)));
      })
      .finally(() => (modeSelect.disabled = false));
  });

  const loadMessages = () =>
    ctx.api.get<{ items: AiMessage[] }>(`/api/v1/ai/conversations/${encodeURIComponent(conversationId!)}/messages?limit=100`, ctx.signal).then((page) => {
      // Keep what streamed in for an answer the stored copy has not caught up with.
      const live = new Map(messages.map((m) => [m.id, m]));
      messages = page.items.map((m) => {
        const l = live.get(m.id);
        return l && m.status === "streaming" && l.content.length > m.content.length ? { ...m, content: l.content, tool_calls: l.tool_calls, plan: l.plan } : m;
      });
      render();
    });

  const follow = (id: string) => {
    subAbort?.abort();
    subAbort = new AbortController();
    const signal = AbortSignal.any ? AbortSignal.any([ctx.signal, subAbort.signal]) : ctx.signal;
    subscribed = false;
    ctx.link.subscribe(
      `ai:${id}`,
      signal,
      (data) => {
        const e = streamEvent(data);
        if (!e) return;
        messages = applyStreamEvent(messages, e);
        // How many deltas the shown answers were built from (the tests read it).
        if (e.type === "token") thread.dataset.tokens = String(Number(thread.dataset.tokens ?? 0) + 1);
        render();
        if (e.type === "done") list.reload();
      },
      (state, error, missed) => {
        composer.dataset.live = state;
        subscribed = state === "subscribed";
        if (state === "subscribed") {
          status.replaceChildren();
          if (missed) void loadMessages().catch(() => undefined);
          subscribedOnce = true;
          waitSubscribed?.();
          waitSubscribed = null;
        } else if (error) status.replaceChildren(errorBox(`Live answers: ${error}`));
        else if (state === "subscribing" && subscribedOnce) status.replaceChildren(loading("Reconnecting… the answer continues when the link is back."));
      },
    );
  };
  const ready = () => (subscribed ? Promise.resolve() : new Promise<void>((res) => (waitSubscribed = res)));

  const ask = async (text: string) => {
    if (!conversationId) {
      const created = await ctx.api.request<Conversation>("/api/v1/ai/conversations", { method: "POST", body: { mode: modeSelect.value, title: text.replace(/\s+/g, " ").slice(0, 60) } });
      conversation = created;
      conversationId = created.id;
      title.textContent = created.title || "Conversation";
      // The address follows without a re-render (the screen keeps its stream).
      history.replaceState(null, "", `#/assistant?c=${encodeURIComponent(created.id)}`);
      list.setCurrent(created.id);
      list.reload();
      exportButton.hidden = false;
      follow(created.id);
    }
    // Subscribed before asking, so no token of the answer is published unseen.
    await ready();
    const r = await ctx.api.request<{ message: AiMessage; answer_id: string }>(`/api/v1/ai/conversations/${encodeURIComponent(conversationId)}/messages`, { method: "POST", body: { content: text } });
    messages = [...messages.filter((m) => m.id !== r.message.id), r.message];
    if (!messages.some((m) => m.id === r.answer_id)) messages.push({ id: r.answer_id, role: "assistant", content: "", created_at: Date.now(), status: "streaming", tool_calls: [] });
    render();
  };

  composer.addEventListener("submit", (e) => {
    e.preventDefault();
    const text = input.value.trim();
    if (!text || send.disabled) return;
    composerErrors.replaceChildren();
    send.disabled = true;
    send.textContent = "Sending…";
    ask(text)
      .then(() => {
        input.value = "";
      })
      .catch((err: unknown) => {
        const busy = err instanceof ApiError && err.status === 409;
        composerErrors.replaceChildren(errorBox(busy ? "An answer is still being written: wait for it or stop it first." : errorMessage(err)));
      })
      .finally(() => {
        send.textContent = "Ask";
        render();
      });
  });
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      composer.requestSubmit();
    }
  });
  stop.addEventListener("click", () => {
    if (!conversationId) return;
    stop.disabled = true;
    stop.textContent = "Stopping…";
    ctx.api
      .request(`/api/v1/ai/conversations/${encodeURIComponent(conversationId)}/cancel`, { method: "POST", body: {} })
      .catch((err: unknown) => composerErrors.replaceChildren(errorBox(errorMessage(err))))
      .finally(() => {
        stop.disabled = false;
        stop.textContent = "Stop";
      });
  });

  ctx.api
    .get<{ items: Mode[] }>("/api/v1/ai/modes", ctx.signal)
    .then((r) => {
      if (r.items.length) modes = r.items;
      showModes();
      list.reload();
    })
    .catch((err: unknown) => {
      if (!ctx.signal.aborted) status.replaceChildren(errorBox(`Modes: ${errorMessage(err)}`));
      showModes();
    });

  const open = (id: string) => {
    status.replaceChildren(loading("Loading the conversation…"));
    Promise.all([ctx.api.get<Conversation>(`/api/v1/ai/conversations/${encodeURIComponent(id)}`, ctx.signal), loadMessages()])
      .then(([c]) => {
        conversation = c;
        title.textContent = c.title || "Conversation";
        if (!modeSelect.disabled) modeSelect.value = c.mode;
        showModeHint();
        status.replaceChildren();
        exportButton.hidden = false;
        follow(id);
      })
      .catch((err: unknown) => {
        if (ctx.signal.aborted) return;
        composer.hidden = true;
        if (err instanceof ApiError && err.status === 404) status.replaceChildren(errorBox("No such conversation (it may have been deleted)."));
        else status.replaceChildren(errorWithRetry(errorMessage(err), () => ctx.navigate(`/assistant?c=${encodeURIComponent(id)}`)));
      });
  };
  if (conversationId) open(conversationId);
  render();

  return h(
    "section",
    { class: "page ai-page" },
    h("div", { class: "page-head" }, h("h1", {}, "Assistant"), h("span", { class: "muted small" }, "Answers can be wrong: marked numbers were not found in the data it looked up. Not financial advice.")),
    h(
      "div",
      { class: "ai-grid" },
      list.node,
      h("section", { class: "card ai-main", "aria-labelledby": title.id }, h("div", { class: "ai-head" }, h("div", {}, title, exportButton), h("div", { class: "field ai-mode" }, h("label", { for: modeId }, "Mode"), modeSelect, modeHint)), status, scroller, composer),
    ),
  );
};
