// Labelled form fields with inline validation messages, and a submit flow that
// shows the busy state and the server's problem detail.
import { errorMessage } from "../api/problem";
import type { Check } from "../auth/validation";
import { h, uid } from "./dom";
import { MessageSlot } from "./status";

export interface FieldOptions {
  label: string;
  name: string;
  type?: string;
  value?: string;
  autocomplete?: string;
  hint?: string;
  check?: Check;
  required?: boolean;
  multiline?: boolean;
  inputmode?: string;
  maxlength?: number;
}

export class Field {
  readonly node: HTMLElement;
  readonly input: HTMLInputElement | HTMLTextAreaElement;
  private readonly error: HTMLElement;

  constructor(readonly options: FieldOptions) {
    const id = uid(`f-${options.name}`);
    const hintId = `${id}-hint`;
    const errorId = `${id}-error`;
    const attrs = {
      id,
      name: options.name,
      autocomplete: options.autocomplete ?? "off",
      required: options.required ?? false,
      inputmode: options.inputmode,
      maxlength: options.maxlength,
      "aria-describedby": `${options.hint ? `${hintId} ` : ""}${errorId}`,
    };
    this.input = options.multiline ? h("textarea", { ...attrs, rows: 4 }) : h("input", { ...attrs, type: options.type ?? "text" });
    this.input.value = options.value ?? "";
    this.error = h("p", { class: "field-error", id: errorId });
    this.node = h(
      "div",
      { class: "field" },
      h("label", { for: id }, options.label),
      this.input,
      options.hint ? h("p", { class: "field-hint", id: hintId }, options.hint) : null,
      this.error,
    );
    this.input.addEventListener("input", () => {
      if (this.input.getAttribute("aria-invalid") === "true") this.validate();
    });
  }

  get value(): string {
    return this.input.value;
  }

  set value(v: string) {
    this.input.value = v;
  }

  /** Runs the field's check, shows its message, and returns true when the value is valid. */
  validate(): boolean {
    const message = this.options.check?.(this.value) ?? null;
    this.showError(message);
    return message === null;
  }

  showError(message: string | null): void {
    this.error.textContent = message ?? "";
    if (message) this.input.setAttribute("aria-invalid", "true");
    else this.input.removeAttribute("aria-invalid");
  }
}

export interface FormOptions {
  label: string;
  submitLabel: string;
  busyLabel?: string;
  fields: Field[];
  extra?: Node[];
  /** Secondary buttons (Cancel, Back) shown after the submit button. */
  secondary?: HTMLElement[];
  onSubmit: (messages: MessageSlot) => Promise<void>;
}

export function form(options: FormOptions): { node: HTMLFormElement; messages: MessageSlot; button: HTMLButtonElement } {
  const messages = new MessageSlot();
  const button = h("button", { type: "submit", class: "primary" }, options.submitLabel);
  const node = h("form", { "aria-label": options.label, novalidate: true });
  node.append(...options.fields.map((f) => f.node), ...(options.extra ?? []), messages.node, h("div", { class: "actions" }, button, ...(options.secondary ?? [])));
  node.addEventListener("submit", (event) => {
    event.preventDefault();
    if (button.disabled) return;
    // Every field shows its message; focus goes to the first one that is wrong.
    const results = options.fields.map((f) => f.validate());
    const firstBad = options.fields.find((_, i) => !results[i]);
    if (firstBad) {
      firstBad.input.focus();
      return;
    }
    messages.clear();
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    button.textContent = options.busyLabel ?? "Working…";
    options
      .onSubmit(messages)
      .catch((err: unknown) => messages.error(errorMessage(err)))
      .finally(() => {
        button.disabled = false;
        button.removeAttribute("aria-busy");
        button.textContent = options.submitLabel;
      });
  });
  return { node, messages, button };
}
