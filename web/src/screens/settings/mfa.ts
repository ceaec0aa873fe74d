// Two-factor sign-in: enrol (QR code, confirm with a first code, recovery codes
// shown once), replace recovery codes, or turn it off with password and code.
import type { AppContext } from "../../app/context";
import type { TotpEnrolment } from "../../api/types";
import { errorMessage } from "../../api/problem";
import { checkRequired, checkSecondFactor, checkTotpCode } from "../../auth/validation";
import { h } from "../../ui/dom";
import { Field, form } from "../../ui/form";
import { MessageSlot, loading } from "../../ui/status";
import { qrImage } from "./qrImage";
import { recoveryCodesPanel } from "./recoveryCodes";

export function mfaSection(ctx: AppContext): HTMLElement {
  const body = h("div");
  const section = h("section", { class: "card", "aria-labelledby": "mfa-title" }, h("h2", { id: "mfa-title" }, "Two-factor sign-in"), body);

  const showState = () => {
    const me = ctx.session.me;
    if (!me) return;
    body.replaceChildren(...(me.mfa_enabled ? enabledView() : disabledView()));
  };

  const refreshMe = async () => {
    await ctx.session.loadMe();
    showState();
  };

  function disabledView(error?: string): Node[] {
    const messages = new MessageSlot();
    if (error) messages.error(error);
    const start = h("button", { type: "button", class: "primary" }, "Set up two-factor sign-in");
    start.addEventListener("click", () => {
      start.disabled = true;
      body.replaceChildren(loading("Creating your secret…"));
      ctx.api
        .request<TotpEnrolment>("/api/v1/auth/mfa/totp", { method: "POST", body: {} })
        .then((enrolment) => body.replaceChildren(...enrolView(enrolment)))
        .catch((err: unknown) => {
          body.replaceChildren(...disabledView(errorMessage(err)));
        });
    });
    return [h("p", {}, "Two-factor sign-in is ", h("strong", {}, "off"), ". With it on, signing in needs a code from an authenticator app as well as your password."), messages.node, h("div", { class: "actions" }, start)];
  }

  function enrolView(enrolment: TotpEnrolment): Node[] {
    const code = new Field({ label: "Code from the app", name: "code", autocomplete: "one-time-code", inputmode: "numeric", maxlength: 6, check: checkTotpCode, required: true });
    const cancel = h("button", { type: "button", class: "ghost" }, "Cancel");
    cancel.addEventListener("click", showState);
    const { node } = form({
      label: "Confirm two-factor sign-in",
      submitLabel: "Turn on",
      busyLabel: "Checking…",
      fields: [code],
      secondary: [cancel],
      onSubmit: async () => {
        const res = await ctx.api.request<{ recovery_codes: string[] }>("/api/v1/auth/mfa/totp/confirm", { method: "POST", body: { code: code.value.replace(/\s+/g, "") } });
        await ctx.session.loadMe();
        body.replaceChildren(h("p", { class: "status status-ok", role: "status" }, "Two-factor sign-in is on."), recoveryCodesPanel(res.recovery_codes, showState));
      },
    });
    return [
      h("ol", { class: "steps" }, h("li", {}, "Scan the QR code with an authenticator app (Aegis, 1Password, Google Authenticator…)."), h("li", {}, "Enter the 6-digit code it shows to confirm.")),
      h(
        "div",
        { class: "enrol" },
        qrImage(enrolment.qr_svg, "QR code for your authenticator app"),
        h("div", {}, h("p", { class: "muted" }, "Cannot scan? Enter this key instead:"), h("p", {}, h("code", { class: "totp-secret", "data-testid": "totp-secret" }, enrolment.secret))),
      ),
      node,
    ];
  }

  function enabledView(): Node[] {
    const password = new Field({ label: "Password", name: "password", type: "password", autocomplete: "current-password", check: checkRequired("your password"), required: true });
    const code = new Field({ label: "Authentication code", name: "code", autocomplete: "one-time-code", hint: "From your app, or a recovery code.", check: checkSecondFactor, required: true });
    const disable = form({
      label: "Turn off two-factor sign-in",
      submitLabel: "Turn off",
      busyLabel: "Turning off…",
      fields: [password, code],
      onSubmit: async () => {
        await ctx.api.request("/api/v1/auth/mfa/disable", { method: "POST", body: { password: password.value, code: code.value.trim() } });
        await refreshMe();
      },
    });
    const codesPassword = new Field({ label: "Password", name: "password", type: "password", autocomplete: "current-password", check: checkRequired("your password"), required: true });
    const codesOut = h("div");
    const codes = form({
      label: "New recovery codes",
      submitLabel: "Make new recovery codes",
      busyLabel: "Making codes…",
      fields: [codesPassword],
      onSubmit: async () => {
        const res = await ctx.api.request<{ recovery_codes: string[] }>("/api/v1/auth/mfa/recovery-codes", { method: "POST", body: { password: codesPassword.value } });
        codesPassword.value = "";
        codesOut.replaceChildren(recoveryCodesPanel(res.recovery_codes, () => codesOut.replaceChildren()));
      },
    });
    return [
      h("p", {}, "Two-factor sign-in is ", h("strong", { class: "on" }, "on"), "."),
      h("details", {}, h("summary", {}, "New recovery codes"), h("p", { class: "muted" }, "The old codes stop working."), codes.node, codesOut),
      h("details", {}, h("summary", {}, "Turn off two-factor sign-in"), disable.node),
    ];
  }

  showState();
  return section;
}
