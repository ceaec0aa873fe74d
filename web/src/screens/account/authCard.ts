// The frame of the signed-out screens: a centred card with a heading.
import { h } from "../../ui/dom";

export function authCard(title: string, intro: string | null, ...body: (Node | null)[]): HTMLElement {
  return h("section", { class: "auth-card", "aria-labelledby": "auth-title" }, h("h1", { id: "auth-title" }, title), intro ? h("p", { class: "muted" }, intro) : null, ...body);
}
