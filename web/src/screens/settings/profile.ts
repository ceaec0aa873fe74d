// Profile settings: display name, bio, time zone, and the avatar with a preview
// before it is uploaded.
import type { Screen } from "../../app/context";
import type { Me } from "../../api/types";
import { errorMessage } from "../../api/problem";
import { checkAvatar, checkBio, checkDisplayName } from "../../auth/validation";
import { h, uid } from "../../ui/dom";
import { Field, form } from "../../ui/form";
import { MessageSlot } from "../../ui/status";
import { avatarImage } from "./avatar";
import { settingsNav } from "./settingsNav";
import { timeZones } from "./timeZones";

function timeZoneSelect(current: string): { node: HTMLElement; select: HTMLSelectElement } {
  const id = uid("f-timezone");
  const select = h("select", { id, name: "timezone" });
  for (const zone of timeZones(current)) select.append(h("option", { value: zone }, zone.replace(/_/g, " ")));
  select.value = current || "UTC";
  return { node: h("div", { class: "field" }, h("label", { for: id }, "Time zone"), select, h("p", { class: "field-hint" }, "Times on charts and in chat are shown in this zone.")), select };
}

function profileForm(ctx: Parameters<Screen>[0], me: Me): HTMLElement {
  const displayName = new Field({ label: "Display name", name: "display_name", value: me.display_name, autocomplete: "nickname", hint: "Shown next to your messages. At most 64 bytes.", check: checkDisplayName });
  const bio = new Field({ label: "Bio", name: "bio", value: me.bio, multiline: true, hint: "A few words about how you trade. At most 1000 bytes.", check: checkBio });
  const zone = timeZoneSelect(me.timezone);
  const { node } = form({
    label: "Profile",
    submitLabel: "Save profile",
    busyLabel: "Saving…",
    fields: [displayName, bio],
    extra: [zone.node],
    onSubmit: async (messages) => {
      const updated = await ctx.api.request<Me>("/api/v1/me", { method: "PATCH", body: { display_name: displayName.value, bio: bio.value, timezone: zone.select.value } });
      ctx.session.setMe(updated);
      messages.success("Profile saved.");
    },
  });
  return h("section", { class: "card", "aria-labelledby": "profile-title" }, h("h2", { id: "profile-title" }, "Profile"), node);
}

function avatarForm(ctx: Parameters<Screen>[0], me: Me): HTMLElement {
  const messages = new MessageSlot();
  const preview = h("div", { class: "avatar-preview" }, avatarImage(me, 96));
  const inputId = uid("f-avatar");
  const input = h("input", { id: inputId, type: "file", accept: "image/png,image/jpeg,image/gif,image/webp", "aria-describedby": `${inputId}-hint` });
  const upload = h("button", { type: "button", class: "primary", disabled: true }, "Upload picture");
  let chosen: File | null = null;
  let previewUrl: string | null = null;
  const dropPreview = () => {
    if (previewUrl) URL.revokeObjectURL(previewUrl);
    previewUrl = null;
  };
  ctx.signal.addEventListener("abort", dropPreview);

  input.addEventListener("change", () => {
    messages.clear();
    dropPreview();
    chosen = input.files?.[0] ?? null;
    upload.disabled = true;
    if (!chosen) return;
    const problem = checkAvatar(chosen);
    if (problem) {
      messages.error(problem);
      chosen = null;
      return;
    }
    previewUrl = URL.createObjectURL(chosen);
    preview.replaceChildren(h("img", { class: "avatar", src: previewUrl, alt: "Preview of the new picture", width: 96, height: 96 }));
    upload.disabled = false;
  });

  upload.addEventListener("click", () => {
    if (!chosen) return;
    upload.disabled = true;
    upload.textContent = "Uploading…";
    ctx.api
      .request<Me | undefined>("/api/v1/me/avatar", { method: "PUT", raw: { data: chosen, contentType: chosen.type } })
      .then(async () => {
        // The server's avatar_url carries a version (?v=…), so the new picture is fetched, not a cached one.
        ctx.session.setMe(await ctx.api.get<Me>("/api/v1/me"));
        messages.success("Picture updated.");
        chosen = null;
        input.value = "";
      })
      .catch((err: unknown) => {
        messages.error(errorMessage(err));
        upload.disabled = false;
      })
      .finally(() => (upload.textContent = "Upload picture"));
  });

  return h(
    "section",
    { class: "card", "aria-labelledby": "avatar-title" },
    h("h2", { id: "avatar-title" }, "Picture"),
    h("div", { class: "avatar-row" }, preview, h("div", { class: "field" }, h("label", { for: inputId }, "Choose an image"), input, h("p", { class: "field-hint", id: `${inputId}-hint` }, "PNG, JPEG, GIF or WebP, at most 512 KiB."))),
    messages.node,
    h("div", { class: "actions" }, upload),
  );
}

export const profileScreen: Screen = (ctx) => {
  const me = ctx.session.me;
  const page = h("div", { class: "page" }, h("h1", {}, "Settings"), settingsNav(ctx.location.path));
  if (!me) return page;
  page.append(h("div", { class: "card-stack" }, profileForm(ctx, me), avatarForm(ctx, me)));
  return page;
};
