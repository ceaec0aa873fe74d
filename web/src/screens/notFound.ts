// Unknown addresses and pages the signed-in user may not see.
import type { Screen } from "../app/context";
import { h } from "../ui/dom";

export const notFoundScreen: Screen = () =>
  h("div", { class: "page" }, h("h1", {}, "Page not found"), h("p", {}, "There is nothing at this address."), h("p", {}, h("a", { href: "#/" }, "Go to the start page")));

export const forbiddenScreen: Screen = () =>
  h("div", { class: "page" }, h("h1", {}, "Not allowed"), h("p", {}, "This page is for administrators."), h("p", {}, h("a", { href: "#/" }, "Go to the start page")));
