// The tabs of the settings section.
import { subNav } from "../../ui/layout";

export function settingsNav(path: string): HTMLElement {
  return subNav("Settings", path, [
    { href: "#/settings/profile", label: "Profile", path: "/settings/profile" },
    { href: "#/settings/security", label: "Security", path: "/settings/security" },
    { href: "#/settings/sessions", label: "Sessions", path: "/settings/sessions" },
    { href: "#/settings/notifications", label: "Notifications", path: "/settings/notifications" },
  ]);
}
