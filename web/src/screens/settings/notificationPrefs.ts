// Notification preferences: which channels may notify (in the app, by email, by
// webhook), quiet hours in a time zone, the daily digest, as `PUT /api/v1/notifications/preferences`.
import type { Screen } from "../../app/context";
import { errorMessage } from "../../api/problem";
import { h, uid } from "../../ui/dom";
import { MessageSlot, errorWithRetry, loading } from "../../ui/status";
import { isClock } from "../../notifications/inbox";
import type { Preferences } from "../../notifications/types";
import { settingsNav } from "./settingsNav";
import { timeZones } from "./timeZones";

function check(label: string, hint: string, on: boolean): { node: HTMLElement; input: HTMLInputElement } {
  const id = uid("pref");
  const input = h("input", { type: "checkbox", id, checked: on, "aria-describedby": `${id}-hint` });
  return { node: h("div", { class: "check-row" }, input, h("div", {}, h("label", { for: id }, label), h("p", { class: "field-hint", id: `${id}-hint` }, hint))), input };
}

function clockField(label: string, value: string): { node: HTMLElement; input: HTMLInputElement; error: HTMLElement } {
  const id = uid("clock");
  const input = h("input", { type: "time", id, value, step: 60, "aria-describedby": `${id}-error` });
  const error = h("p", { class: "field-error", id: `${id}-error` });
  return { node: h("div", { class: "field" }, h("label", { for: id }, label), input, error), input, error };
}

function preferencesForm(ctx: Parameters<Screen>[0], prefs: Preferences): HTMLElement {
  const messages = new MessageSlot();
  const inApp = check("In the app", "Pushed live to open tabs. The inbox keeps every notification either way.", prefs.in_app);
  const email = check("Email", "Alerts with the email channel are sent to your account's address.", prefs.email);
  const webhook = check("Webhooks", "Alerts with the webhook channel call their URL.", prefs.webhook);
  const quiet = check("Quiet hours", "No live pushes in this window; notifications still reach the inbox, and email and webhooks are not held back.", prefs.quiet_hours !== null);
  const start = clockField("From", prefs.quiet_hours?.start ?? "22:00");
  const end = clockField("Until", prefs.quiet_hours?.end ?? "07:00");
  const zoneId = uid("pref-zone");
  const zone = h("select", { id: zoneId });
  for (const z of timeZones(prefs.time_zone)) zone.append(h("option", { value: z }, z.replace(/_/g, " ")));
  zone.value = prefs.time_zone || "UTC";
  const window = h("fieldset", { class: "stack quiet-window" }, h("legend", { class: "visually-hidden" }, "Quiet hours window"), h("div", { class: "time-pair" }, start.node, end.node), h("div", { class: "field" }, h("label", { for: zoneId }, "Time zone of quiet hours"), zone));
  const syncWindow = () => {
    window.disabled = !quiet.input.checked;
  };
  quiet.input.addEventListener("change", syncWindow);
  syncWindow();

  // The daily digest (offered when the server reports it): one email a day at a local time.
  const hasDigest = prefs.digest !== undefined;
  const digest = check("Daily digest", "One email a day summarising that day's notifications, at this time in the time zone above; none on a quiet day.", prefs.digest === true);
  const digestAt = clockField("Digest at", prefs.digest_time ?? "08:00");
  const syncDigest = () => {
    digestAt.input.disabled = !digest.input.checked;
  };
  digest.input.addEventListener("change", syncDigest);
  syncDigest();

  const save = h("button", { type: "submit", class: "primary" }, "Save preferences");
  const node = h(
    "form",
    { "aria-label": "Notification preferences", novalidate: true },
    h("fieldset", { class: "stack" }, h("legend", {}, "Channels"), inApp.node, email.node, webhook.node),
    quiet.node,
    window,
    ...(hasDigest ? [digest.node, digestAt.node] : []),
    messages.node,
    h("div", { class: "actions" }, save),
  );
  node.addEventListener("submit", (e) => {
    e.preventDefault();
    if (save.disabled) return;
    const body: Preferences = { in_app: inApp.input.checked, email: email.input.checked, webhook: webhook.input.checked, quiet_hours: null, time_zone: zone.value };
    if (quiet.input.checked) {
      let bad: HTMLInputElement | null = null;
      for (const f of [start, end]) {
        const ok = isClock(f.input.value);
        f.error.textContent = ok ? "" : "Give a time as HH:MM.";
        if (ok) f.input.removeAttribute("aria-invalid");
        else {
          f.input.setAttribute("aria-invalid", "true");
          bad ??= f.input;
        }
      }
      if (bad) return bad.focus();
      body.quiet_hours = { start: start.input.value, end: end.input.value };
    }
    if (hasDigest) {
      body.digest = digest.input.checked;
      if (digest.input.checked) {
        const ok = isClock(digestAt.input.value);
        digestAt.error.textContent = ok ? "" : "Give a time as HH:MM.";
        if (!ok) {
          digestAt.input.setAttribute("aria-invalid", "true");
          return digestAt.input.focus();
        }
        digestAt.input.removeAttribute("aria-invalid");
        body.digest_time = digestAt.input.value;
      }
    }
    messages.clear();
    save.disabled = true;
    save.textContent = "Saving…";
    ctx.api
      .request<Preferences>("/api/v1/notifications/preferences", { method: "PUT", body })
      .then(() => messages.success("Notification preferences saved."))
      .catch((err: unknown) => messages.error(errorMessage(err)))
      .finally(() => {
        save.disabled = false;
        save.textContent = "Save preferences";
      });
  });
  return h("section", { class: "card", "aria-labelledby": "prefs-title" }, h("h2", { id: "prefs-title" }, "Notifications"), node);
}

export const notificationPrefsScreen: Screen = (ctx) => {
  const body = h("div", { class: "card-stack" }, loading("Loading your preferences…"));
  const load = () => {
    ctx.api
      .get<Preferences>("/api/v1/notifications/preferences", ctx.signal)
      .then((prefs) => body.replaceChildren(preferencesForm(ctx, prefs)))
      .catch((err: unknown) => {
        if (!ctx.signal.aborted) body.replaceChildren(errorWithRetry(errorMessage(err), load));
      });
  };
  load();
  return h("div", { class: "page" }, h("h1", {}, "Settings"), settingsNav(ctx.location.path), body);
};
