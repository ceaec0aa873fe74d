// The signed-in start page: who you are, the real-time link, and the state of the
// account's security, with the sections that exist today.
import type { Screen } from "../app/context";
import { h } from "../ui/dom";
import { linkStateLabel } from "../ui/connectionBadge";
import { avatarImage } from "./settings/avatar";

export const homeScreen: Screen = (ctx) => {
  const me = ctx.session.me;
  if (!me) return h("div");
  const name = me.display_name || me.username;

  const linkState = h("strong", { class: "link-state" });
  const personal = h("span", {});
  const showLink = () => {
    linkState.textContent = linkStateLabel(ctx.link.state.value);
    linkState.dataset.state = ctx.link.state.value;
  };
  const showPersonal = () => (personal.textContent = String(ctx.link.personalMessages.value));
  showLink();
  showPersonal();
  const offState = ctx.link.state.subscribe(showLink);
  const offPersonal = ctx.link.personalMessages.subscribe(showPersonal);
  ctx.signal.addEventListener("abort", () => (offState(), offPersonal()));

  const profileCard = h(
    "section",
    { class: "card", "aria-labelledby": "home-profile" },
    h("div", { class: "profile-head" }, avatarImage(me, 56), h("div", {}, h("h2", { id: "home-profile" }, name), h("p", { class: "muted" }, `@${me.username} · ${me.role}`))),
    me.bio ? h("p", { class: "bio" }, me.bio) : null,
    h("p", {}, h("a", { href: "#/settings/profile" }, "Edit profile")),
  );
  const linkCard = h(
    "section",
    { class: "card", "aria-labelledby": "home-link" },
    h("h2", { id: "home-link" }, "Real-time link"),
    h("dl", { class: "facts" }, h("dt", {}, "State"), h("dd", {}, linkState), h("dt", {}, "Personal channel"), h("dd", {}, h("code", { class: "channel", title: `user#${me.id}` }, `user#${me.id}`)), h("dt", {}, "Messages received"), h("dd", {}, personal)),
    h("p", { class: "muted" }, "Live prices, chat rooms and alerts arrive over this link as those sections open."),
  );
  const securityCard = h(
    "section",
    { class: "card", "aria-labelledby": "home-security" },
    h("h2", { id: "home-security" }, "Account security"),
    h("p", {}, me.mfa_enabled ? "Two-factor sign-in is on." : "Two-factor sign-in is off. Turn it on to protect your account."),
    h("p", {}, h("a", { href: "#/settings/security" }, me.mfa_enabled ? "Security settings" : "Set up two-factor sign-in"), " · ", h("a", { href: "#/settings/sessions" }, "Signed-in devices")),
  );
  const cards = h("div", { class: "card-grid" }, profileCard, linkCard, securityCard);
  if (me.role === "admin") {
    cards.append(
      h(
        "section",
        { class: "card", "aria-labelledby": "home-admin" },
        h("h2", { id: "home-admin" }, "Administration"),
        h("p", {}, "Manage accounts and roles, and check the tamper-evident audit log."),
        h("p", {}, h("a", { href: "#/admin/users" }, "Users"), " · ", h("a", { href: "#/admin/audit" }, "Audit log")),
      ),
    );
  }
  return h("div", { class: "page" }, h("h1", {}, `Welcome, ${name}`), cards);
};
