// The message box of a room: Enter (or Send) sends, Shift+Enter is a new line; a bar
// above it says what the next send replies to or that it saves an edit; our typing is
// sent as the text changes; errors of actions in the room show under it.
import { errorMessage } from "../../api/problem";
import type { RealtimeLink } from "../../realtime/link";
import { h, uid } from "../../ui/dom";
import { errorBox } from "../../ui/status";
import type { ShownMessage } from "../../chat/types";
import { sendTyping } from "./typingIndicator";

export interface ComposerOptions {
  link: RealtimeLink;
  roomId: string;
  /** A new message (replying to `replyTo` when set). */
  onSend(text: string, replyTo: ShownMessage | null): void;
  /** Saves an edit of `message`; rejects with the reason it failed. */
  onSaveEdit(message: ShownMessage, text: string): Promise<void>;
}

export interface Composer {
  node: HTMLFormElement;
  setEnabled(enabled: boolean): void;
  reply(message: ShownMessage, label: string): void;
  edit(message: ShownMessage): void;
  error(err: unknown): void;
}

export function composer(options: ComposerOptions): Composer {
  const inputId = uid("composer");
  const input = h("textarea", { id: inputId, rows: 2, maxlength: 4000, placeholder: "Message — @name mentions, $AAPL links a chart, **bold**, *italic*, `code`", disabled: true });
  const send = h("button", { type: "submit", disabled: true }, "Send");
  const contextBar = h("div", { class: "reply-bar", hidden: true });
  const errors = h("div", { class: "message-slot" });
  const form = h("form", { class: "composer", "aria-label": "Send a message" }, h("label", { for: inputId, class: "visually-hidden" }, "Message"), contextBar, h("div", { class: "composer-row" }, input, send), errors);
  let replyTo: ShownMessage | null = null;
  let editing: ShownMessage | null = null;
  let saving = false;

  const clearContext = () => {
    if (editing) input.value = "";
    replyTo = null;
    editing = null;
    send.textContent = "Send";
    contextBar.hidden = true;
  };
  const showContext = (text: string, cancelLabel: string) => {
    const cancel = h("button", { type: "button", class: "ghost small", "aria-label": cancelLabel }, "✕");
    cancel.addEventListener("click", () => {
      clearContext();
      input.focus();
    });
    contextBar.replaceChildren(h("span", { class: "small" }, text), cancel);
    contextBar.hidden = false;
    input.focus();
  };

  const submit = () => {
    const text = input.value;
    if (!text.trim() || input.disabled || saving) return;
    errors.replaceChildren();
    if (editing) {
      saving = true;
      send.disabled = true;
      send.textContent = "Saving…";
      options
        .onSaveEdit(editing, text)
        .then(() => clearContext())
        .catch((err: unknown) => {
          send.textContent = "Save";
          errors.replaceChildren(errorBox(errorMessage(err)));
        })
        .finally(() => {
          saving = false;
          send.disabled = input.disabled;
        });
      return;
    }
    options.onSend(text, replyTo);
    input.value = "";
    clearContext();
  };

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    submit();
  });
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      submit();
    }
  });
  sendTyping(input, options.link, options.roomId);

  return {
    node: form,
    setEnabled(enabled) {
      input.disabled = !enabled;
      send.disabled = !enabled || saving;
    },
    reply(message, label) {
      editing = null;
      replyTo = message;
      showContext(label, "Cancel the reply");
    },
    edit(message) {
      replyTo = null;
      editing = message;
      input.value = message.text;
      send.textContent = "Save";
      showContext("Editing your message", "Cancel editing");
    },
    error(err) {
      errors.replaceChildren(errorBox(errorMessage(err)));
    },
  };
}
