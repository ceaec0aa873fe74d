// "… is typing": others' typing events shown for a few seconds each, cleared when
// their message arrives; and our own typing sent at most every few seconds.
import { h } from "../../ui/dom";
import type { RealtimeLink } from "../../realtime/link";

const SHOWN_MS = 4000;
const SEND_EVERY_MS = 3000;

export interface TypingIndicator {
  node: HTMLElement;
  /** Someone else is typing. */
  typing(userId: string): void;
  /** Their message arrived: they are done. */
  done(userId: string): void;
}

export function typingIndicator(nameOf: (userId: string) => string, signal: AbortSignal): TypingIndicator {
  const node = h("p", { class: "typing muted small", "aria-live": "polite" });
  const typers = new Map<string, ReturnType<typeof setTimeout>>();
  const show = () => {
    const n = typers.size;
    node.textContent = n === 0 ? "" : n === 1 ? `${nameOf([...typers.keys()][0])} is typing…` : `${n} people are typing…`;
  };
  const done = (userId: string) => {
    clearTimeout(typers.get(userId));
    if (typers.delete(userId)) show();
  };
  signal.addEventListener("abort", () => {
    for (const t of typers.values()) clearTimeout(t);
  });
  return {
    node,
    typing(userId) {
      clearTimeout(typers.get(userId));
      typers.set(userId, setTimeout(() => done(userId), SHOWN_MS));
      show();
    },
    done,
  };
}

/** Sends the `typing` RPC for `roomId` as `input` changes, at most every few seconds. */
export function sendTyping(input: HTMLTextAreaElement, link: RealtimeLink, roomId: string): void {
  let lastSent = 0;
  input.addEventListener("input", () => {
    const now = Date.now();
    if (now - lastSent < SEND_EVERY_MS || !input.value.trim()) return;
    lastSent = now;
    link.rpc("typing", { room: roomId }).catch(() => undefined); // droppable by design
  });
}
