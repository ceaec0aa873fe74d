// Ask for a reset email. The server answers 202 whether or not the address is
// known, so the message says the same either way.
import type { Screen } from "../../app/context";
import { checkEmail } from "../../auth/validation";
import { h } from "../../ui/dom";
import { Field, form } from "../../ui/form";
import { authCard } from "./authCard";

export const forgotPasswordScreen: Screen = (ctx) => {
  const email = new Field({ label: "Email", name: "email", type: "email", autocomplete: "email", check: checkEmail, required: true });
  const { node } = form({
    label: "Reset your password",
    submitLabel: "Send reset link",
    busyLabel: "Sending…",
    fields: [email],
    onSubmit: async (messages) => {
      await ctx.api.request("/api/v1/auth/password/forgot", { method: "POST", body: { email: email.value.trim() }, auth: false });
      messages.success("If an account uses that address, a reset link is on its way. It works for 30 minutes.");
    },
  });
  return authCard("Forgot your password?", "Enter your account's email address and we will send you a link to choose a new password.", node, h("p", { class: "auth-links" }, h("a", { href: "#/sign-in" }, "Back to sign in")));
};
