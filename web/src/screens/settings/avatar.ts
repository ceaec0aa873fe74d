// A user's picture, or their initial when there is none.
import type { Me } from "../../api/types";
import { h } from "../../ui/dom";

export function avatarImage(me: Pick<Me, "avatar_url" | "username" | "display_name">, size: number): HTMLElement {
  const style = `width:${size}px;height:${size}px`;
  if (me.avatar_url) return h("img", { class: "avatar", src: me.avatar_url, alt: "", width: size, height: size, style });
  const initial = (me.display_name || me.username).trim().charAt(0).toUpperCase() || "?";
  return h("span", { class: "avatar avatar-initial", "aria-hidden": "true", style: `${style};font-size:${Math.round(size / 2.4)}px` }, initial);
}
