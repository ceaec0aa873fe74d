// One message of a conversation: the user's question, or the assistant's answer with
// its plan, tool-call progress, markdown text with ungrounded numbers marked,
// citations, a chart when the answer carries one, alert proposals to confirm or
// decline, and its state (writing, stopped, failed).
import type { AppContext } from "../../app/context";
import { errorMessage } from "../../api/problem";
import { h } from "../../ui/dom";
import { errorBox } from "../../ui/status";
import { toolProgress } from "../../ai/answer";
import { byteRangesToIndexes } from "../../ai/markdown";
import { answerChart, snapToBars } from "../../ai/annotations";
import type { AiMessage, Proposal } from "../../ai/types";
import type { CandlePage } from "../../market/types";
import { markdownView } from "./markdownView";

export interface RenderedMessage {
  node: HTMLElement;
  destroy(): void;
}

function proposalView(ctx: AppContext, p: Proposal, onChanged: (p: Proposal) => void): HTMLElement {
  const a = p.arguments;
  const symbol = typeof a.symbol === "string" ? a.symbol : "?";
  const expression = typeof a.expression === "string" ? a.expression : JSON.stringify(a.condition ?? a);
  const slot = h("div", { class: "message-slot" });
  const box = h("div", { class: "proposal", "data-proposal-id": p.id, "data-status": p.status }, h("p", {}, h("strong", {}, "Proposed alert: "), `${symbol} · `, h("code", {}, expression), typeof a.name === "string" && a.name ? ` (${a.name})` : null), slot);
  if (p.status !== "pending") {
    box.append(h("p", { class: "muted small" }, p.status === "confirmed" ? "Confirmed: the alert was created. " : "Declined.", p.status === "confirmed" ? h("a", { href: "#/alerts" }, "Your alerts") : null));
    return box;
  }
  const confirm = h("button", { type: "button", class: "primary small" }, "Create this alert");
  const decline = h("button", { type: "button", class: "secondary small" }, "Decline");
  const act = (what: "confirm" | "decline") => {
    confirm.disabled = decline.disabled = true;
    (what === "confirm" ? confirm : decline).textContent = what === "confirm" ? "Creating…" : "Declining…";
    ctx.api
      .request(`/api/v1/ai/proposals/${encodeURIComponent(p.id)}/${what}`, { method: "POST", body: {} })
      .then(() => onChanged({ ...p, status: what === "confirm" ? "confirmed" : "declined" }))
      .catch((err: unknown) => {
        slot.replaceChildren(errorBox(errorMessage(err)));
        confirm.disabled = decline.disabled = false;
        confirm.textContent = "Create this alert";
        decline.textContent = "Decline";
      });
  };
  confirm.addEventListener("click", () => act("confirm"));
  decline.addEventListener("click", () => act("decline"));
  box.append(h("div", { class: "actions" }, confirm, decline));
  return box;
}

function chartView(ctx: AppContext, payload: unknown, cleanups: (() => void)[]): HTMLElement | null {
  const spec = answerChart(payload);
  if (!spec) return null;
  const holder = h("div", { class: "chart-holder answer-chart", role: "img", "aria-label": `${spec.symbol} ${spec.timeframe} chart${spec.levels.length ? ` with ${spec.levels.length} levels` : ""}${spec.markers.length ? ` and ${spec.markers.length} markers` : ""}`, "data-symbol": spec.symbol });
  const status = h("div", {});
  let destroyed = false;
  let destroy: (() => void) | null = null;
  cleanups.push(() => {
    destroyed = true;
    destroy?.();
  });
  const candles = spec.candles ? Promise.resolve(spec.candles) : ctx.api.get<CandlePage>(`/api/v1/instruments/${encodeURIComponent(spec.symbol)}/candles?timeframe=${spec.timeframe}&limit=200`, ctx.signal).then((p) => p.items);
  Promise.all([candles, import("../markets/priceChart")])
    .then(([items, { PriceChart }]) => {
      if (destroyed || ctx.signal.aborted) return;
      const chart = new PriceChart(holder);
      destroy = () => chart.destroy();
      chart.setCandles(items);
      chart.setLevels(spec.levels);
      chart.setTrendlines(spec.trendlines);
      const starts = items.map((c) => c.time_ms);
      // The newest few markers: more overlap into noise (as on the chart screen).
      chart.setMarkers(spec.markers.flatMap((m) => (snapToBars(starts, m.time_ms) === null ? [] : [{ ...m, time_ms: snapToBars(starts, m.time_ms)! }])).slice(-10));
      holder.dataset.ready = "true";
    })
    .catch((err: unknown) => {
      if (!ctx.signal.aborted) status.replaceChildren(errorBox(`The chart could not be drawn: ${errorMessage(err)}`));
    });
  return h("figure", { class: "answer-figure" }, holder, h("figcaption", { class: "muted small" }, `${spec.symbol} · ${spec.timeframe}`, spec.levels.length ? ` · ${spec.levels.map((l) => l.label || `${l.kind} ${l.price}`).join(", ")}` : ""), status);
}

export function renderMessage(ctx: AppContext, m: AiMessage, onProposal: (messageId: string, p: Proposal) => void): RenderedMessage {
  const cleanups: (() => void)[] = [];
  if (m.role === "user") {
    const node = h("li", { class: "ai-msg user", "data-id": m.id }, h("p", { class: "visually-hidden" }, "You asked:"), h("div", { class: "ai-bubble" }, markdownView(m.content)));
    return { node, destroy: () => undefined };
  }
  const node = h("li", { class: "ai-msg assistant", "data-id": m.id, "data-status": m.status }, h("p", { class: "visually-hidden" }, "The assistant answered:"));
  if (m.plan?.length) node.append(h("details", { class: "ai-plan", open: m.status === "streaming" }, h("summary", {}, "Plan"), h("ol", {}, ...m.plan.map((s) => h("li", {}, s)))));
  if (m.tool_calls?.length) {
    const ul = h("ul", { class: "tool-calls", "aria-label": "Tools used" });
    for (const c of m.tool_calls) ul.append(h("li", { "data-tool": c.name, "data-done": String(c.result !== undefined) }, h("span", { class: c.result !== undefined ? "tool-dot done" : "tool-dot", "aria-hidden": "true" }), toolProgress(c)));
    node.append(ul);
  }
  const ranges = m.status === "streaming" ? [] : byteRangesToIndexes(m.content, m.marks ?? []);
  const text = m.content ? markdownView(m.content, ranges) : m.status === "streaming" ? h("p", { class: "muted thinking" }, "Thinking…") : h("p", { class: "muted" }, "(no text)");
  node.append(h("div", { class: "ai-bubble", "aria-busy": m.status === "streaming" ? "true" : null }, text));
  if (ranges.length) node.append(h("p", { class: "muted small grounding-note" }, h("mark", { class: "ungrounded" }, "Marked"), ` numbers (${ranges.length}) were not found in the data the assistant looked up. Check them before you rely on them.`));
  const chart = m.status === "complete" && m.annotations ? chartView(ctx, m.annotations, cleanups) : null;
  if (chart) node.append(chart);
  if (m.citations?.length) {
    node.append(h("div", { class: "citations" }, h("p", { class: "muted small" }, "Sources"), h("ol", {}, ...m.citations.filter((c) => /^https?:\/\//i.test(c.url)).map((c) => h("li", {}, h("a", { href: c.url, target: "_blank", rel: "noopener noreferrer nofollow" }, c.title || c.url))))));
  }
  for (const p of m.proposals ?? []) node.append(proposalView(ctx, p, (changed) => onProposal(m.id, changed)));
  if (m.status === "cancelled") node.append(h("p", { class: "muted small" }, "Stopped."));
  if (m.status === "failed") node.append(errorBox(m.error ? `The answer failed: ${m.error}` : "The answer failed."));
  if (m.status === "complete" && (m.model || m.usage)) {
    const u = m.usage;
    node.append(h("p", { class: "muted small ai-usage" }, [m.provider, m.model].filter(Boolean).join(" · "), u?.output_tokens ? ` · ${u.input_tokens ?? 0} in / ${u.output_tokens} out tokens` : "", typeof u?.cost_usd === "number" && u.cost_usd > 0 ? ` · $${u.cost_usd.toFixed(4)}` : ""));
  }
  return { node, destroy: () => cleanups.forEach((c) => c()) };
}
