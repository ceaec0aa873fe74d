// The tabs of the admin section.
import { subNav } from "../../ui/layout";

export function adminNav(path: string): HTMLElement {
  return subNav("Administration", path, [
    { href: "#/admin/users", label: "Users", path: "/admin/users" },
    { href: "#/admin/audit", label: "Audit log", path: "/admin/audit" },
  ]);
}
