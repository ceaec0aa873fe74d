// Choose a new password from the emailed link (/#/reset-password?token=…).
import type { Screen } from "../../app/context";
import { checkNewPassword, checkPasswordsMatch } from "../../auth/validation";
import { h } from "../../ui/dom";
import { Field, form } from "../../ui/form";
import { errorBox } from "../../ui/status";
import { authCard } from "./authCard";

export const resetPasswordScreen: Screen = (ctx) => {
  const token = ctx.location.query.get("token") ?? "";
  const backLink = h("p", { class: "auth-links" }, h("a", { href: "#/sign-in" }, "Back to sign in"), h("a", { href: "#/forgot-password" }, "Send a new link"));
  if (!token) return authCard("Reset your password", null, errorBox("This reset link is incomplete. Use the link from the email, or ask for a new one."), backLink);

  const password = new Field({ label: "New password", name: "new_password", type: "password", autocomplete: "new-password", hint: "At least 8 characters.", check: (v) => checkNewPassword(v), required: true });
  const confirm = new Field({ label: "Repeat the new password", name: "confirm", type: "password", autocomplete: "new-password", check: (v) => checkPasswordsMatch(password.value, v), required: true });
  const done = h("div");
  const { node } = form({
    label: "Choose a new password",
    submitLabel: "Set new password",
    busyLabel: "Saving…",
    fields: [password, confirm],
    onSubmit: async (messages) => {
      await ctx.api.request("/api/v1/auth/password/reset", { method: "POST", body: { token, new_password: password.value }, auth: false });
      node.hidden = true;
      messages.clear();
      done.replaceChildren(h("p", { class: "status status-ok", role: "status" }, "Your password is changed and every session was signed out. Sign in with the new password."), h("p", {}, h("a", { href: "#/sign-in", class: "button primary" }, "Sign in")));
    },
  });
  return authCard("Choose a new password", "Signing in again is needed everywhere after a reset.", node, done, backLink);
};
