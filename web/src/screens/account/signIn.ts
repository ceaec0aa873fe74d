// Sign in, in two steps when the account has MFA on: the server answers the
// password with 401 `mfa_required`, then the same request goes again with `totp`.
import type { Screen } from "../../app/context";
import { ApiError } from "../../api/problem";
import { checkRequired, checkSecondFactor } from "../../auth/validation";
import { h } from "../../ui/dom";
import { Field, form } from "../../ui/form";
import { errorBox } from "../../ui/status";
import { authCard } from "./authCard";

export const signInScreen: Screen = (ctx) => {
  const username = new Field({ label: "Username", name: "username", autocomplete: "username", check: checkRequired("your username"), required: true });
  const password = new Field({ label: "Password", name: "password", type: "password", autocomplete: "current-password", check: checkRequired("your password"), required: true });
  const reason = ctx.session.state.value.status === "signed-out" ? ctx.session.state.value.reason : undefined;

  const card = authCard("Sign in", null);
  const links = h("p", { class: "auth-links" }, h("a", { href: "#/sign-up" }, "Create an account"), h("a", { href: "#/forgot-password" }, "Forgot your password?"));

  const passwordStep = form({
    label: "Sign in",
    submitLabel: "Sign in",
    busyLabel: "Signing in…",
    fields: [username, password],
    onSubmit: async () => {
      try {
        // Signed in: the router moves on from this guest page to `next`.
        await ctx.session.signIn(username.value, password.value);
      } catch (err) {
        if (err instanceof ApiError && err.mfaRequired) {
          showCodeStep();
          return;
        }
        password.value = "";
        throw err;
      }
    },
  });

  function showCodeStep(): void {
    const code = new Field({
      label: "Authentication code",
      name: "totp",
      autocomplete: "one-time-code",
      inputmode: "text",
      hint: "The 6-digit code from your authenticator app, or one of your recovery codes.",
      check: checkSecondFactor,
      required: true,
    });
    const back = h("button", { type: "button", class: "ghost" }, "Back");
    back.addEventListener("click", () => {
      password.value = "";
      card.replaceChildren(...cardBody(passwordStep.node));
      username.input.focus();
    });
    const codeStep = form({
      label: "Two-factor authentication",
      submitLabel: "Verify",
      busyLabel: "Verifying…",
      fields: [code],
      secondary: [back],
      onSubmit: async () => {
        try {
          await ctx.session.signIn(username.value, password.value, code.value.trim());
        } catch (err) {
          code.value = "";
          throw err;
        }
      },
    });
    card.replaceChildren(h("h1", { id: "auth-title" }, "Two-factor authentication"), h("p", { class: "muted" }, `Signing in as ${username.value}.`), codeStep.node);
    code.input.focus();
  }

  const cardBody = (f: HTMLElement): Node[] => [
    h("h1", { id: "auth-title" }, "Sign in"),
    h("p", { class: "muted" }, "Welcome back. Sign in to your trading desk."),
    reason ? errorBox(reason) : null,
    f,
    links,
  ].filter((n): n is HTMLElement => n !== null);

  card.replaceChildren(...cardBody(passwordStep.node));
  return card;
};
