// Loading, error and success messages, announced to screen readers.
import { h } from "./dom";

export function loading(text = "Loading…"): HTMLElement {
  return h("p", { class: "status status-loading", role: "status" }, h("span", { class: "spinner", "aria-hidden": "true" }), text);
}

export function errorBox(message: string): HTMLElement {
  return h("p", { class: "status status-error", role: "alert" }, message);
}

export function successBox(message: string): HTMLElement {
  return h("p", { class: "status status-ok", role: "status" }, message);
}

/** A region whose content is replaced by one message at a time. */
export class MessageSlot {
  readonly node = h("div", { class: "message-slot" });

  error(message: string): void {
    this.node.replaceChildren(errorBox(message));
  }

  success(message: string): void {
    this.node.replaceChildren(successBox(message));
  }

  clear(): void {
    this.node.replaceChildren();
  }
}

/** An error with a "Try again" button (for loads that can fail while offline). */
export function errorWithRetry(message: string, retry: () => void): HTMLElement {
  const button = h("button", { type: "button", class: "secondary small" }, "Try again");
  button.addEventListener("click", retry);
  return h("div", { class: "status-retry" }, errorBox(message), button);
}
