import { describe, expect, it } from "vitest";
import {
  checkAvatar,
  checkBio,
  checkDisplayName,
  checkEmail,
  checkNewPassword,
  checkPasswordsMatch,
  checkSecondFactor,
  checkTotpCode,
  checkUsername,
} from "../../src/auth/validation";

describe("form validation", () => {
  it("usernames follow the server's pattern", () => {
    expect(checkUsername("ann_1.b-c")).toBeNull();
    expect(checkUsername("ab")).not.toBeNull();
    expect(checkUsername("a".repeat(33))).not.toBeNull();
    expect(checkUsername("ann smith")).not.toBeNull();
    expect(checkUsername("änn")).not.toBeNull();
  });
  it("emails need a local part, a domain and a dot", () => {
    expect(checkEmail("ann@example.com")).toBeNull();
    expect(checkEmail("")).not.toBeNull();
    expect(checkEmail("ann@example")).not.toBeNull();
    expect(checkEmail("ann example.com")).not.toBeNull();
    expect(checkEmail(`${"a".repeat(250)}@x.io`)).toMatch(/254/);
  });
  it("passwords count code points, not UTF-16 units, and differ from the username", () => {
    expect(checkNewPassword("1234567")).toMatch(/At least 8/);
    expect(checkNewPassword("12345678")).toBeNull();
    expect(checkNewPassword("😀😀😀😀😀😀😀")).toMatch(/At least 8/); // 7 code points, 14 UTF-16 units
    expect(checkNewPassword("x".repeat(1025))).toMatch(/1024/);
    expect(checkNewPassword("AnnTrader", "anntrader")).toMatch(/username/);
  });
  it("confirmation must match", () => {
    expect(checkPasswordsMatch("a", "a")).toBeNull();
    expect(checkPasswordsMatch("a", "b")).not.toBeNull();
  });
  it("TOTP codes are 6 digits; the second factor also takes recovery codes", () => {
    expect(checkTotpCode("123 456")).toBeNull();
    expect(checkTotpCode("12345")).not.toBeNull();
    expect(checkTotpCode("abcdef")).not.toBeNull();
    expect(checkSecondFactor("123456")).toBeNull();
    expect(checkSecondFactor("abcd-efgh-2345")).toBeNull();
    expect(checkSecondFactor("ABCD EFGH 2345")).toBeNull();
    expect(checkSecondFactor("abcd-efgh")).not.toBeNull();
  });
  it("profile limits are in bytes and refuse control characters", () => {
    expect(checkDisplayName("Ann")).toBeNull();
    expect(checkDisplayName("é".repeat(33))).toMatch(/64 bytes/); // 66 bytes
    expect(checkDisplayName("a\u0007b")).toMatch(/control/);
    expect(checkBio("line one\nline two")).toBeNull();
    expect(checkBio("x".repeat(1001))).toMatch(/1000/);
  });
  it("avatars must be a raster type of at most 512 KiB", () => {
    expect(checkAvatar({ type: "image/png", size: 1000 })).toBeNull();
    expect(checkAvatar({ type: "image/svg+xml", size: 100 })).toMatch(/PNG/);
    expect(checkAvatar({ type: "image/jpeg", size: 512 * 1024 + 1 })).toMatch(/512 KiB/);
  });
});
