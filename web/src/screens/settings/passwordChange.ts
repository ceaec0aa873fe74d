// Change the password; the server ends every other session of the account.
import type { AppContext } from "../../app/context";
import { checkNewPassword, checkPasswordsMatch, checkRequired } from "../../auth/validation";
import { h } from "../../ui/dom";
import { Field, form } from "../../ui/form";

export function passwordSection(ctx: AppContext): HTMLElement {
  const current = new Field({ label: "Current password", name: "current_password", type: "password", autocomplete: "current-password", check: checkRequired("your current password"), required: true });
  const next = new Field({ label: "New password", name: "new_password", type: "password", autocomplete: "new-password", hint: "At least 8 characters.", check: (v) => checkNewPassword(v, ctx.session.me?.username), required: true });
  const confirm = new Field({ label: "Repeat the new password", name: "confirm", type: "password", autocomplete: "new-password", check: (v) => checkPasswordsMatch(next.value, v), required: true });
  const { node } = form({
    label: "Change password",
    submitLabel: "Change password",
    busyLabel: "Changing…",
    fields: [current, next, confirm],
    onSubmit: async (messages) => {
      await ctx.api.request("/api/v1/auth/password", { method: "POST", body: { current_password: current.value, new_password: next.value } });
      current.value = next.value = confirm.value = "";
      messages.success("Password changed. Every other device was signed out.");
    },
  });
  return h("section", { class: "card", "aria-labelledby": "password-title" }, h("h2", { id: "password-title" }, "Password"), node);
}
