// Client-side checks that mirror the server's rules (docs/security.md), so people
// see a problem next to the field before a round trip. The server still decides:
// its problem+json answer is shown when it refuses.

export type Check = (value: string) => string | null;

export const USERNAME_RE = /^[A-Za-z0-9_.-]{3,32}$/;

export function utf8Bytes(value: string): number {
  return new TextEncoder().encode(value).length;
}

export function codePoints(value: string): number {
  return [...value].length;
}

export const checkUsername: Check = (v) =>
  USERNAME_RE.test(v) ? null : "3 to 32 characters: letters, digits, dot, dash or underscore.";

export const checkEmail: Check = (v) => {
  if (!v) return "Enter your email address.";
  if (utf8Bytes(v) > 254) return "At most 254 characters.";
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v) ? null : "Enter a valid email address, like name@example.com.";
};

export function checkNewPassword(password: string, username = ""): string | null {
  const n = codePoints(password);
  if (n < 8) return "At least 8 characters.";
  if (n > 1024) return "At most 1024 characters.";
  if (username && password.toLowerCase() === username.toLowerCase()) return "The password must not be your username.";
  return null;
}

export function checkPasswordsMatch(password: string, confirm: string): string | null {
  return password === confirm ? null : "The passwords do not match.";
}

export const checkRequired =
  (what: string): Check =>
  (v) =>
    v.length > 0 ? null : `Enter ${what}.`;

/** A 6-digit authenticator code (spaces ignored). */
export const checkTotpCode: Check = (v) => (/^[0-9]{6}$/.test(v.replace(/\s+/g, "")) ? null : "Enter the 6-digit code from your app.");

/** A 6-digit code or a recovery code (xxxx-xxxx-xxxx; case, dashes and spaces ignored). */
export const checkSecondFactor: Check = (v) => {
  const compact = v.replace(/[\s-]+/g, "");
  if (/^[0-9]{6}$/.test(compact)) return null;
  if (/^[A-Za-z0-9]{12}$/.test(compact)) return null;
  return "Enter the 6-digit code from your app or a recovery code.";
};

export const checkDisplayName: Check = (v) => {
  if (utf8Bytes(v) > 64) return "At most 64 bytes.";
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(v)) return "No control characters.";
  return null;
};

export const checkBio: Check = (v) => (utf8Bytes(v) > 1000 ? "At most 1000 bytes." : null);

export const MAX_AVATAR_BYTES = 512 * 1024;
export const AVATAR_TYPES = ["image/png", "image/jpeg", "image/gif", "image/webp"];

export function checkAvatar(file: { size: number; type: string }): string | null {
  if (!AVATAR_TYPES.includes(file.type)) return "Choose a PNG, JPEG, GIF or WebP image.";
  if (file.size > MAX_AVATAR_BYTES) return "The image must be at most 512 KiB.";
  return null;
}
