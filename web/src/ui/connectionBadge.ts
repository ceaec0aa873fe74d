// The real-time link's state, always visible in the top bar.
import type { LinkState, RealtimeLink } from "../realtime/link";
import { h } from "./dom";

const LABELS: Record<LinkState, string> = {
  idle: "Not connected",
  connecting: "Connecting…",
  connected: "Live",
  reconnecting: "Reconnecting…",
  offline: "Offline",
};

export function linkStateLabel(state: LinkState): string {
  return LABELS[state];
}

export function connectionBadge(link: RealtimeLink, signal: AbortSignal): HTMLElement {
  const text = h("span", { class: "badge-text" });
  const node = h("span", { class: "conn-badge", role: "status", "aria-live": "polite", title: "Real-time connection" }, h("span", { class: "dot", "aria-hidden": "true" }), text);
  const show = (state: LinkState) => {
    node.dataset.state = state;
    text.textContent = LABELS[state];
    node.setAttribute("aria-label", `Real-time connection: ${LABELS[state]}`);
  };
  show(link.state.value);
  const off = link.state.subscribe(show);
  signal.addEventListener("abort", off);
  return node;
}
