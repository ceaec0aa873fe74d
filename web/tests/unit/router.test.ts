import { describe, expect, it } from "vitest";
import { hrefFor, parseHash, resolve, safeNext, type RouteDef } from "../../src/router/resolve";

const routes: RouteDef[] = [
  { path: "/", title: "Home", access: "user" },
  { path: "/sign-in", title: "Sign in", access: "guest" },
  { path: "/reset-password", title: "Reset", access: "any" },
  { path: "/settings/profile", title: "Profile", access: "user" },
  { path: "/admin/users", title: "Users", access: "admin" },
];

describe("parseHash", () => {
  it("splits path and query", () => {
    const loc = parseHash("#/reset-password?token=abc%2Bdef");
    expect(loc.path).toBe("/reset-password");
    expect(loc.query.get("token")).toBe("abc+def");
  });
  it("normalises empty, missing slash, trailing and doubled slashes", () => {
    expect(parseHash("").path).toBe("/");
    expect(parseHash("#").path).toBe("/");
    expect(parseHash("#settings/profile/").path).toBe("/settings/profile");
    expect(parseHash("#//admin//users").path).toBe("/admin/users");
  });
});

describe("resolve", () => {
  it("shows a user route to a signed-in user", () => {
    const r = resolve(routes, "#/settings/profile", "user");
    expect(r.kind).toBe("screen");
    if (r.kind === "screen") expect(r.route.title).toBe("Profile");
  });
  it("sends signed-out visitors to sign in, remembering where they were going", () => {
    expect(resolve(routes, "#/settings/profile", null)).toEqual({ kind: "redirect", to: "/sign-in?next=%2Fsettings%2Fprofile" });
    expect(resolve(routes, "#/", null)).toEqual({ kind: "redirect", to: "/sign-in" });
  });
  it("sends signed-in users away from guest pages to where they were going", () => {
    expect(resolve(routes, "#/sign-in", "user")).toEqual({ kind: "redirect", to: "/" });
    expect(resolve(routes, "#/sign-in?next=%2Fsettings%2Fprofile", "user")).toEqual({ kind: "redirect", to: "/settings/profile" });
  });
  it("never redirects off-site through next", () => {
    expect(resolve(routes, "#/sign-in?next=%2F%2Fevil.example", "user")).toEqual({ kind: "redirect", to: "/" });
    expect(safeNext("https://evil.example")).toBe("/");
    expect(safeNext("/admin/users")).toBe("/admin/users");
  });
  it("forbids admin pages to non-admins and shows them to admins", () => {
    expect(resolve(routes, "#/admin/users", "user").kind).toBe("forbidden");
    expect(resolve(routes, "#/admin/users", "moderator").kind).toBe("forbidden");
    expect(resolve(routes, "#/admin/users", "admin").kind).toBe("screen");
  });
  it("shows 'any' pages to everyone and reports unknown paths", () => {
    expect(resolve(routes, "#/reset-password?token=t", null).kind).toBe("screen");
    expect(resolve(routes, "#/reset-password?token=t", "user").kind).toBe("screen");
    expect(resolve(routes, "#/markets", "user").kind).toBe("not-found");
  });
  it("builds hrefs with encoded queries", () => {
    expect(hrefFor("/reset-password", { token: "a b&c" })).toBe("#/reset-password?token=a+b%26c");
    expect(hrefFor("/")).toBe("#/");
  });
});
