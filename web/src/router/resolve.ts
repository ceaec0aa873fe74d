// Hash routing, kept pure so it can be tested without a browser: the location hash
// becomes a path and query, and the route table plus who is signed in decide what
// to show or where to send the user. Hash routes keep the server's static file
// handling simple and match the reset link the server emails (/#/reset-password?token=…).
import type { Role } from "../api/types";

/** guest: only when signed out (sign-in, sign-up…); user: signed in; admin: signed in as admin; any: always. */
export type Access = "guest" | "user" | "admin" | "any";

export interface RouteDef {
  path: string;
  title: string;
  access: Access;
}

export interface Location {
  path: string;
  query: URLSearchParams;
}

export type Resolution<R extends RouteDef> =
  | { kind: "screen"; route: R; location: Location }
  | { kind: "redirect"; to: string }
  | { kind: "forbidden"; location: Location }
  | { kind: "not-found"; location: Location };

export function parseHash(hash: string): Location {
  let rest = hash.startsWith("#") ? hash.slice(1) : hash;
  if (!rest.startsWith("/")) rest = `/${rest}`;
  const q = rest.indexOf("?");
  const rawPath = q < 0 ? rest : rest.slice(0, q);
  const query = new URLSearchParams(q < 0 ? "" : rest.slice(q + 1));
  let path = rawPath.replace(/\/{2,}/g, "/");
  if (path.length > 1 && path.endsWith("/")) path = path.slice(0, -1);
  return { path, query };
}

export function hrefFor(path: string, query?: Record<string, string>): string {
  const qs = query ? new URLSearchParams(query).toString() : "";
  return `#${path}${qs ? `?${qs}` : ""}`;
}

/** Only same-app paths are accepted as a place to return to after signing in. */
export function safeNext(next: string | null): string {
  if (!next || !next.startsWith("/") || next.startsWith("//")) return "/";
  return next;
}

export function resolve<R extends RouteDef>(routes: readonly R[], hash: string, role: Role | null): Resolution<R> {
  const location = parseHash(hash);
  const route = routes.find((r) => r.path === location.path);
  if (!route) return { kind: "not-found", location };
  const signedIn = role !== null;
  switch (route.access) {
    case "guest":
      if (signedIn) return { kind: "redirect", to: safeNext(location.query.get("next")) };
      break;
    case "user":
    case "admin":
      if (!signedIn) {
        const here = location.path + (location.query.toString() ? `?${location.query.toString()}` : "");
        return { kind: "redirect", to: here === "/" ? "/sign-in" : `/sign-in?next=${encodeURIComponent(here)}` };
      }
      if (route.access === "admin" && role !== "admin") return { kind: "forbidden", location };
      break;
    case "any":
      break;
  }
  return { kind: "screen", route, location };
}
