// Recovery codes, shown once: a list to copy or download, and a button to confirm.
import { h } from "../../ui/dom";

export function recoveryCodesPanel(codes: string[], onDone: () => void): HTMLElement {
  const done = h("button", { type: "button", class: "primary" }, "I have saved these codes");
  done.addEventListener("click", onDone);
  const copy = h("button", { type: "button", class: "ghost" }, "Copy");
  copy.addEventListener("click", () => {
    void navigator.clipboard?.writeText(codes.join("\n")).then(() => (copy.textContent = "Copied"));
  });
  const file = URL.createObjectURL(new Blob([`tradechat recovery codes\n\n${codes.join("\n")}\n`], { type: "text/plain" }));
  const download = h("a", { class: "button", href: file, download: "tradechat-recovery-codes.txt" }, "Download");
  done.addEventListener("click", () => URL.revokeObjectURL(file));
  const list = h("ol", { class: "recovery-codes", "aria-label": "Recovery codes" });
  for (const c of codes) list.append(h("li", {}, h("code", {}, c)));
  return h(
    "div",
    { class: "recovery-panel", role: "region", "aria-label": "Your recovery codes" },
    h("p", { class: "status status-warn" }, "Save these recovery codes somewhere safe. Each works once if you lose your authenticator. They are shown only now."),
    list,
    h("div", { class: "actions" }, done, download, copy),
  );
}
