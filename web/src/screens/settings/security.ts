// Security settings: two-factor sign-in and the password.
import type { Screen } from "../../app/context";
import { h } from "../../ui/dom";
import { mfaSection } from "./mfa";
import { passwordSection } from "./passwordChange";
import { settingsNav } from "./settingsNav";

export const securityScreen: Screen = (ctx) =>
  h("div", { class: "page" }, h("h1", {}, "Settings"), settingsNav(ctx.location.path), h("div", { class: "card-stack" }, mfaSection(ctx), passwordSection(ctx)));
