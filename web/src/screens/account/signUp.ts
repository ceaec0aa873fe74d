// Create an account, then sign in with it and land on the home screen.
import type { Screen } from "../../app/context";
import { checkEmail, checkNewPassword, checkPasswordsMatch, checkUsername } from "../../auth/validation";
import { h } from "../../ui/dom";
import { Field, form } from "../../ui/form";
import { authCard } from "./authCard";

export const signUpScreen: Screen = (ctx) => {
  const username = new Field({ label: "Username", name: "username", autocomplete: "username", hint: "3 to 32 letters, digits, dots, dashes or underscores.", check: checkUsername, required: true });
  const email = new Field({ label: "Email", name: "email", type: "email", autocomplete: "email", hint: "Used only for password resets.", check: checkEmail, required: true });
  const password = new Field({
    label: "Password",
    name: "password",
    type: "password",
    autocomplete: "new-password",
    hint: "At least 8 characters. A passphrase of a few words works well.",
    check: (v) => checkNewPassword(v, username.value),
    required: true,
  });
  const confirm = new Field({ label: "Repeat the password", name: "confirm", type: "password", autocomplete: "new-password", check: (v) => checkPasswordsMatch(password.value, v), required: true });

  const { node } = form({
    label: "Create an account",
    submitLabel: "Create account",
    busyLabel: "Creating account…",
    fields: [username, email, password, confirm],
    onSubmit: async () => {
      // Signed in: the router moves on from this guest page to the home screen.
      await ctx.session.register(username.value, email.value.trim(), password.value);
    },
  });
  return authCard("Create your account", "Join the desk: live markets, rooms and an assistant that knows your rules.", node, h("p", { class: "auth-links" }, h("a", { href: "#/sign-in" }, "I already have an account")));
};
