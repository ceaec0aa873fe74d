// Who may do what to whom in a room (docs/chat.md "Room roles"), so the members panel
// offers only actions the server will allow. Pure; unit-tested. The server decides.
export type RoomRole = "owner" | "moderator" | "member";

export interface MemberActions {
  kick: boolean;
  ban: boolean;
  mute: boolean;
  changeRole: boolean;
}

const NONE: MemberActions = { kick: false, ban: false, mute: false, changeRole: false };

/**
 * What a viewer with room role `mine` (and the site-wide `moderate_any_room`
 * permission when `siteModerator`) may do to a member with role `theirs`.
 */
export function memberActions(mine: RoomRole | null | undefined, theirs: RoomRole, self: boolean, direct: boolean, siteModerator = false): MemberActions {
  if (self || direct) return NONE;
  const owner = mine === "owner";
  const moderates = owner || (mine === "moderator" && theirs === "member") || (siteModerator && theirs !== "owner");
  return { kick: moderates, ban: moderates, mute: moderates, changeRole: owner };
}

/** Whether the viewer may invite: anyone in a public room, moderators and the owner in a private one. */
export function mayInvite(mine: RoomRole | null | undefined, visibility: string, siteModerator = false): boolean {
  if (visibility === "direct" || !mine) return siteModerator && visibility !== "direct";
  if (visibility === "public") return true;
  return mine === "owner" || mine === "moderator" || siteModerator;
}

export function mayModerate(mine: RoomRole | null | undefined, siteModerator = false): boolean {
  return mine === "owner" || mine === "moderator" || siteModerator;
}

export const MUTE_CHOICES: { seconds: number; label: string }[] = [
  { seconds: 300, label: "5 minutes" },
  { seconds: 3600, label: "1 hour" },
  { seconds: 86_400, label: "1 day" },
  { seconds: 604_800, label: "7 days" },
];

/** "muted for 4 more minutes" style text, or null when not muted at `now`. */
export function mutedText(mutedUntilMs: number | null | undefined, now = Date.now()): string | null {
  if (!mutedUntilMs || mutedUntilMs <= now) return null;
  const min = Math.ceil((mutedUntilMs - now) / 60_000);
  if (min < 60) return `muted for ${min} more minute${min === 1 ? "" : "s"}`;
  const hours = Math.round(min / 60);
  if (hours < 48) return `muted for about ${hours} more hour${hours === 1 ? "" : "s"}`;
  return `muted for about ${Math.round(hours / 24)} more days`;
}

const DIRECT_KEY = "tradechat.direct";

/** Direct rooms have no name: the client remembers whom it opened each one with. */
export function rememberDirect(roomId: string, username: string, storage: Pick<Storage, "getItem" | "setItem"> = localStorage): void {
  try {
    const map = JSON.parse(storage.getItem(DIRECT_KEY) ?? "{}") as Record<string, string>;
    map[roomId] = username;
    storage.setItem(DIRECT_KEY, JSON.stringify(map));
  } catch {
    /* not remembered: the room shows as "Direct message" */
  }
}

export function directName(roomId: string, storage: Pick<Storage, "getItem"> = localStorage): string | null {
  try {
    const map = JSON.parse(storage.getItem(DIRECT_KEY) ?? "{}") as Record<string, unknown>;
    const name = map[roomId];
    return typeof name === "string" ? name : null;
  } catch {
    return null;
  }
}
