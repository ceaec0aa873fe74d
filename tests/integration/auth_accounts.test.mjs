// Issue 4 end to end, on both database backends: MFA, sessions on two devices and
// their immediate revocation (REST and WebSocket), password change and reset by
// email through a real SMTP server, profiles and avatars, roles and administration,
// the audit trail and its verification, token forgeries, and enumeration parity.
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import { Centrifuge } from "centrifuge";
import WebSocket from "ws";
import { startServer, assertCleanExit, sleep } from "./lib/server.mjs";
import { apiClient, signUp, signIn, totp, freshStep, startSmtp, cli } from "./lib/accounts.mjs";

const backends = [["SQLite", {}]];
if (process.env.TRADECHAT_TEST_DATABASE_URL) {
  backends.push([
    "PostgreSQL + Redis + NATS",
    {
      TRADECHAT_DATABASE_URL: process.env.TRADECHAT_TEST_DATABASE_URL,
      TRADECHAT_REDIS_URL: process.env.TRADECHAT_TEST_REDIS_URL,
      TRADECHAT_NATS_URL: process.env.TRADECHAT_TEST_NATS_URL,
      // Instances of one deployment share the personal-data and audit keys.
      TRADECHAT_AUTH_PII_KEY: randomBytes(64).toString("base64url"),
      TRADECHAT_AUDIT_KEY: randomBytes(32).toString("base64url"),
    },
  ]);
}

const b64url = (s) => Buffer.from(s).toString("base64url");
const decodePart = (token, i) => JSON.parse(Buffer.from(token.split(".")[i], "base64url").toString());

function connectWs(server, token) {
  const client = new Centrifuge(`ws://${server.host}:${server.port}/connection/websocket`, { websocket: WebSocket, token });
  const disconnected = new Promise((res) => client.on("disconnected", res));
  const connected = new Promise((res, rej) => {
    client.on("connected", res);
    client.on("disconnected", (ctx) => rej(new Error(`disconnected ${ctx.code} ${ctx.reason}`)));
  });
  client.connect();
  return { client, connected, disconnected };
}

for (const [backend, env] of backends) {
  describe(`accounts on ${backend}`, () => {
    let server;
    let smtp;
    let api;
    before(async () => {
      if (env.TRADECHAT_DATABASE_URL) {
        const reset = spawnSync("psql", [env.TRADECHAT_DATABASE_URL, "-qc", "DROP SCHEMA public CASCADE; CREATE SCHEMA public"], {
          encoding: "utf8",
        });
        assert.equal(reset.status, 0, reset.stderr);
        // Sign-in throttles live in Redis: start from none.
        const flush = spawnSync("redis-cli", ["-u", env.TRADECHAT_REDIS_URL, "FLUSHDB"], { encoding: "utf8" });
        assert.equal(flush.status, 0, flush.stderr);
      }
      smtp = await startSmtp();
      server = await startServer({ env: { ...env, TRADECHAT_MAIL_SMTP_URL: smtp.url, TRADECHAT_MAIL_FROM: "tradechat <noreply@tradechat.test>" } });
      api = apiClient(server.url);
    });
    after(async () => {
      smtp?.stop();
      if (server) assertCleanExit(assert, await server.stop());
    });

    test("MFA: enrol with the QR code, sign in with a code, replay refused, recovery codes once, re-auth to disable", async () => {
      const ann = await signUp(api, "ann");
      let res = await api("/api/v1/auth/mfa/totp", { method: "POST", token: ann.access_token, body: {} });
      assert.equal(res.status, 200, res.text);
      const { secret, otpauth_uri, qr_svg } = res.json;
      assert.match(otpauth_uri, /^otpauth:\/\/totp\/tradechat:ann\?secret=[A-Z2-7]+&issuer=tradechat/);
      assert.match(qr_svg, /^<\?xml|^<svg/);
      res = await api("/api/v1/auth/mfa/totp/confirm", { method: "POST", token: ann.access_token, body: { code: "000000" } });
      assert.equal(res.status, 422, "a wrong first code does not turn MFA on");
      await freshStep();
      res = await api("/api/v1/auth/mfa/totp/confirm", { method: "POST", token: ann.access_token, body: { code: totp(secret) } });
      assert.equal(res.status, 200, res.text);
      const recovery = res.json.recovery_codes;
      assert.equal(recovery.length, 10);
      assert.equal(new Set(recovery).size, 10);
      assert.equal((await api("/api/v1/me", { token: ann.access_token })).json.mfa_enabled, true);

      // The password alone is no longer enough.
      res = await api("/api/v1/auth/login", { method: "POST", body: { username: "ann", password: ann.password } });
      assert.equal(res.status, 401);
      assert.equal(res.json.mfa_required, true);
      assert.match(res.json.type, /mfa-required/);
      // The code used to confirm was already spent: replaying it fails.
      const now = Math.floor(Date.now() / 1000);
      res = await api("/api/v1/auth/login", { method: "POST", body: { username: "ann", password: ann.password, totp: totp(secret, now) } });
      assert.equal(res.status, 401, "the confirmation code cannot be replayed");
      assert.match(res.json.type, /mfa-invalid/);
      // The next step's code works once (one step of clock skew is allowed).
      const next = totp(secret, now + 30);
      res = await api("/api/v1/auth/login", { method: "POST", body: { username: "ann", password: ann.password, totp: next } });
      assert.equal(res.status, 200, res.text);
      res = await api("/api/v1/auth/login", { method: "POST", body: { username: "ann", password: ann.password, totp: next } });
      assert.equal(res.status, 401, "a code is accepted once");
      // A recovery code works once, with or without dashes and case.
      res = await api("/api/v1/auth/login", { method: "POST", body: { username: "ann", password: ann.password, totp: recovery[0].toUpperCase() } });
      assert.equal(res.status, 200, res.text);
      const session = res.json;
      res = await api("/api/v1/auth/login", { method: "POST", body: { username: "ann", password: ann.password, totp: recovery[0] } });
      assert.equal(res.status, 401, "a recovery code is spent");
      // Turning MFA off needs the password and a code.
      res = await api("/api/v1/auth/mfa/disable", { method: "POST", token: session.access_token, body: { password: "wrong password!", code: recovery[1] } });
      assert.equal(res.status, 403);
      res = await api("/api/v1/auth/mfa/disable", { method: "POST", token: session.access_token, body: { password: ann.password, code: "123456" } });
      assert.equal(res.status, 401);
      assert.equal((await api("/api/v1/me", { token: session.access_token })).json.mfa_enabled, true, "refused attempts change nothing");
      res = await api("/api/v1/auth/mfa/disable", { method: "POST", token: session.access_token, body: { password: ann.password, code: recovery[1] } });
      assert.equal(res.status, 204, res.text);
      await signIn(api, "ann", ann.password);
    });

    test("two devices: list sessions, revoke the other one; its token and WebSocket die at once; nobody else's", async () => {
      const bea = await signUp(api, "bea", { userAgent: "laptop" });
      const phone = await signIn(api, "bea", bea.password, { userAgent: "phone" });
      const mallory = await signUp(api, "mallory");
      let res = await api("/api/v1/auth/sessions", { token: bea.access_token });
      assert.equal(res.status, 200);
      assert.deepEqual(res.json.items.map((s) => s.user_agent).sort(), ["laptop", "phone"]);
      const current = res.json.items.find((s) => s.current);
      assert.equal(current.user_agent, "laptop");
      const phoneSession = res.json.items.find((s) => !s.current);

      // Mallory cannot see or end Bea's sessions: the same 404 as an unknown id.
      res = await api(`/api/v1/auth/sessions/${phoneSession.id}`, { method: "DELETE", token: mallory.access_token });
      assert.equal(res.status, 404);
      res = await api("/api/v1/auth/sessions", { token: mallory.access_token });
      assert.equal(res.json.items.length, 1);
      assert.equal((await api("/api/v1/me", { token: phone.access_token })).status, 200, "still signed in on the phone");

      const ws = connectWs(server, phone.access_token);
      await ws.connected;
      res = await api(`/api/v1/auth/sessions/${phoneSession.id}`, { method: "DELETE", token: bea.access_token });
      assert.equal(res.status, 204);
      const closed = await ws.disconnected;
      assert.equal(closed.code, 3503, "the phone's live connection is closed, and told not to reconnect");
      res = await api("/api/v1/me", { token: phone.access_token });
      assert.equal(res.status, 401, "the phone's access token stops working at once, not at expiry");
      res = await api("/api/v1/auth/refresh", { method: "POST", body: { refresh_token: phone.refresh_token } });
      assert.equal(res.status, 401);
      assert.equal((await api("/api/v1/me", { token: bea.access_token })).status, 200, "the laptop is untouched");

      // Sign out everywhere else, then log out here.
      const tablet = await signIn(api, "bea", bea.password, { userAgent: "tablet" });
      res = await api("/api/v1/auth/sessions", { method: "DELETE", token: bea.access_token });
      assert.equal(res.json.ended, 1);
      assert.equal((await api("/api/v1/me", { token: tablet.access_token })).status, 401);
      res = await api("/api/v1/auth/logout", { method: "POST", token: bea.access_token, body: {} });
      assert.equal(res.status, 204);
      assert.equal((await api("/api/v1/me", { token: bea.access_token })).status, 401, "logout ends the access token too");
      ws.client.disconnect();
    });

    test("concurrent refreshes of one token: one wins, the other counts as reuse and ends the session", async () => {
      const cal = await signUp(api, "cal");
      const [a, b] = await Promise.all([
        api("/api/v1/auth/refresh", { method: "POST", body: { refresh_token: cal.refresh_token } }),
        api("/api/v1/auth/refresh", { method: "POST", body: { refresh_token: cal.refresh_token } }),
      ]);
      assert.deepEqual([a.status, b.status].sort(), [200, 401]);
      const winner = a.status === 200 ? a.json : b.json;
      assert.equal((await api("/api/v1/me", { token: winner.access_token })).status, 401, "the whole family is revoked");
      const res = await api("/api/v1/auth/refresh", { method: "POST", body: { refresh_token: winner.refresh_token } });
      assert.equal(res.status, 401);
    });

    test("password change needs the current password and ends the other sessions", async () => {
      const dan = await signUp(api, "dan");
      const other = await signIn(api, "dan", dan.password);
      let res = await api("/api/v1/auth/password", { method: "POST", token: dan.access_token, body: { current_password: "not my password", new_password: "a brand new passphrase" } });
      assert.equal(res.status, 403);
      res = await api("/api/v1/auth/password", { method: "POST", token: dan.access_token, body: { current_password: dan.password, new_password: "password123" } });
      assert.equal(res.status, 422, "the policy applies to changes too");
      assert.equal((await api("/api/v1/me", { token: other.access_token })).status, 200, "refused changes end nothing");
      res = await api("/api/v1/auth/password", { method: "POST", token: dan.access_token, body: { current_password: dan.password, new_password: "a brand new passphrase" } });
      assert.equal(res.status, 204, res.text);
      assert.equal((await api("/api/v1/me", { token: other.access_token })).status, 401);
      assert.equal((await api("/api/v1/me", { token: dan.access_token })).status, 200, "this session stays");
      res = await api("/api/v1/auth/login", { method: "POST", body: { username: "dan", password: dan.password } });
      assert.equal(res.status, 401);
      await signIn(api, "dan", "a brand new passphrase");
    });

    test("a forgotten password is reset by an emailed single-use link", async () => {
      const eve = await signUp(api, "eve");
      let res = await api("/api/v1/auth/password/forgot", { method: "POST", body: { email: "nobody@example.com" } });
      assert.equal(res.status, 202, "unknown addresses get the same answer");
      res = await api("/api/v1/auth/password/forgot", { method: "POST", body: { email: "EVE@example.com" } });
      assert.equal(res.status, 202);
      const mail = await smtp.waitFor((m) => /^To: <?eve@example.com>?/im.test(m));
      assert.match(mail, /Subject: Reset your tradechat password/);
      const token = mail.match(/reset-password\?token=([A-Za-z0-9_-]+)/)[1];
      assert.equal(smtp.messages().filter((m) => /nobody@example.com/.test(m)).length, 0, "no mail for unknown addresses");

      res = await api("/api/v1/auth/password/reset", { method: "POST", body: { token, new_password: "short" } });
      assert.equal(res.status, 422, "the policy applies, and the token is not spent by a refused attempt");
      res = await api("/api/v1/auth/password/reset", { method: "POST", body: { token: token + "x", new_password: "eve's fresh passphrase" } });
      assert.equal(res.status, 401);
      res = await api("/api/v1/auth/password/reset", { method: "POST", body: { token, new_password: "eve's fresh passphrase" } });
      assert.equal(res.status, 204, res.text);
      res = await api("/api/v1/auth/password/reset", { method: "POST", body: { token, new_password: "another fresh passphrase" } });
      assert.equal(res.status, 401, "the link works once");
      assert.equal((await api("/api/v1/me", { token: eve.access_token })).status, 401, "every old session ended");
      res = await api("/api/v1/auth/login", { method: "POST", body: { username: "eve", password: eve.password } });
      assert.equal(res.status, 401);
      await signIn(api, "eve", "eve's fresh passphrase");
      assert.doesNotMatch(server.stderr, new RegExp(token), "the reset token is never logged");
    });

    test("profile: display name, bio and time zone; privileged or unknown fields refused; avatar sniffed and limited", async () => {
      const fay = await signUp(api, "fay");
      let res = await api("/api/v1/me", { method: "PATCH", token: fay.access_token, body: { display_name: "Fay T.", bio: "Swing trader.\nFX mostly.", timezone: "Europe/London" } });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.json.display_name, "Fay T.");
      assert.equal(res.json.timezone, "Europe/London");
      for (const [body, why] of [
        [{ role: "admin" }, /unknown field "role"/],
        [{ timezone: "Mars/Olympus_Mons" }, /timezone/],
        [{ timezone: "../../etc/passwd" }, /timezone/],
        [{ display_name: "x".repeat(65) }, /display_name/],
        [{ display_name: "bell\u0007" }, /control character/],
        [{ bio: 42 }, /must be a string/],
      ]) {
        res = await api("/api/v1/me", { method: "PATCH", token: fay.access_token, body });
        assert.equal(res.status, 422, JSON.stringify(body));
        assert.match(res.json.detail, why);
      }
      const me = (await api("/api/v1/me", { token: fay.access_token })).json;
      assert.equal(me.role, "user");
      assert.equal(me.timezone, "Europe/London", "refused changes changed nothing");

      const png = Buffer.concat([Buffer.from("89504e470d0a1a0a", "hex"), Buffer.alloc(64, 7)]);
      res = await api("/api/v1/me/avatar", { method: "PUT", token: fay.access_token, raw: png, headers: { "Content-Type": "image/png" } });
      assert.equal(res.status, 204, res.text);
      const avatarUrl = (await api("/api/v1/me", { token: fay.access_token })).json.avatar_url;
      const img = await fetch(server.url + avatarUrl);
      assert.equal(img.headers.get("content-type"), "image/png");
      assert.deepEqual(Buffer.from(await img.arrayBuffer()), png);
      const svg = Buffer.from("<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>");
      res = await api("/api/v1/me/avatar", { method: "PUT", token: fay.access_token, raw: svg, headers: { "Content-Type": "image/png" } });
      assert.equal(res.status, 415, "the type comes from the bytes, not the header; SVG is never accepted");
      res = await api("/api/v1/me/avatar", { method: "PUT", token: fay.access_token, raw: Buffer.concat([png, Buffer.alloc(600 * 1024)]), headers: { "Content-Type": "image/png" } });
      assert.equal(res.status, 413);
      const still = await fetch(server.url + avatarUrl);
      assert.deepEqual(Buffer.from(await still.arrayBuffer()), png, "refused uploads keep the old avatar");
    });

    test("roles: the first admin from the CLI; admins list, promote and disable; the change bites at once", async () => {
      const gus = await signUp(api, "gus");
      const hal = await signUp(api, "hal");
      let res = await api("/api/v1/admin/users", { token: gus.access_token });
      assert.equal(res.status, 403, "users are not admins");
      const made = cli(server, ["users", "set-role", "gus", "admin"]);
      assert.equal(made.status, 0, made.stderr + made.stdout);
      const admin = await signIn(api, "gus", gus.password);
      assert.equal(decodePart(admin.access_token, 1).role, "admin");

      res = await api("/api/v1/admin/users?q=ha&limit=10", { token: admin.access_token });
      assert.equal(res.status, 200);
      assert.deepEqual(res.json.items.map((u) => u.username), ["hal"]);
      assert.equal(res.json.items[0].email, undefined, "the admin list does not expose email addresses");

      res = await api(`/api/v1/admin/users/${hal.id}`, { method: "PATCH", token: admin.access_token, body: { role: "root" } });
      assert.equal(res.status, 422);
      res = await api(`/api/v1/admin/users/${hal.id}`, { method: "PATCH", token: admin.access_token, body: { role: "admin", email: "x@y.z" } });
      assert.equal(res.status, 422, "unknown fields are refused, not ignored");
      res = await api(`/api/v1/admin/users/${gus.id}`, { method: "PATCH", token: admin.access_token, body: { role: "user" } });
      assert.equal(res.status, 409, "no admin can demote themselves");
      res = await api(`/api/v1/admin/users/${hal.id}`, { method: "PATCH", token: hal.access_token, body: { role: "admin" } });
      assert.equal(res.status, 403, "nobody promotes themselves");

      res = await api(`/api/v1/admin/users/${hal.id}`, { method: "PATCH", token: admin.access_token, body: { role: "moderator" } });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.json.role, "moderator");
      assert.equal((await api("/api/v1/me", { token: hal.access_token })).status, 401, "the old token (role user) is dead at once");
      const halAgain = await signIn(api, "hal", hal.password);
      assert.equal(decodePart(halAgain.access_token, 1).role, "moderator");

      res = await api(`/api/v1/admin/users/${hal.id}`, { method: "PATCH", token: admin.access_token, body: { disabled: true } });
      assert.equal(res.json.disabled, true);
      assert.equal((await api("/api/v1/me", { token: halAgain.access_token })).status, 401);
      const refused = await api("/api/v1/auth/login", { method: "POST", body: { username: "hal", password: hal.password } });
      const unknown = await api("/api/v1/auth/login", { method: "POST", body: { username: "nobody-at-all", password: hal.password } });
      assert.equal(refused.status, 401);
      assert.equal(refused.json.detail, unknown.json.detail, "a disabled account looks like any failed sign-in");
      res = await api(`/api/v1/admin/users/${hal.id}`, { method: "PATCH", token: admin.access_token, body: { disabled: false } });
      assert.equal(res.status, 200);
      await signIn(api, "hal", hal.password);
      res = await api("/api/v1/roles", { token: admin.access_token });
      assert.ok(res.json.items.some((g) => g.role === "admin" && g.permission === "read_audit_log"));
      assert.ok(!res.json.items.some((g) => g.role === "user" && g.permission === "read_audit_log"));
    });

    test("the audit trail records security events without secrets, admins filter it, and it verifies", async () => {
      const ivy = await signUp(api, "ivy");
      await api("/api/v1/auth/login", { method: "POST", body: { username: "ivy", password: "definitely wrong" } });
      assert.equal(cli(server, ["users", "set-role", "ivy", "admin"]).status, 0);
      const admin = await signIn(api, "ivy", ivy.password);
      let res = await api(`/api/v1/admin/audit?target_id=${ivy.id}&limit=50`, { token: admin.access_token });
      assert.equal(res.status, 200, res.text);
      const actions = res.json.items.map((e) => e.action);
      for (const a of ["auth.user.registered", "auth.login.succeeded", "auth.login.failed", "admin.role.changed"]) {
        assert.ok(actions.includes(a), `${a} in ${actions}`);
      }
      const seqs = res.json.items.map((e) => e.seq);
      assert.deepEqual(seqs, [...seqs].sort((a, b) => b - a), "newest first");
      res = await api("/api/v1/admin/audit?action=auth.login.failed&limit=1", { token: admin.access_token });
      assert.equal(res.json.items.length, 1);
      assert.ok(res.json.next_cursor, "more pages");
      const page2 = await api(`/api/v1/admin/audit?action=auth.login.failed&limit=1&cursor=${res.json.next_cursor}`, { token: admin.access_token });
      assert.ok(page2.json.items[0].seq < res.json.items[0].seq);
      res = await api("/api/v1/admin/audit?from_ms=10&to_ms=5", { token: admin.access_token });
      assert.equal(res.status, 400);
      res = await api("/api/v1/admin/audit", { token: ivy.access_token });
      assert.equal(res.status, 403, "a token from before the promotion still says role user");

      const all = await api("/api/v1/admin/audit?limit=200", { token: admin.access_token });
      const text = JSON.stringify(all.json);
      for (const secret of [ivy.password, ivy.refresh_token, admin.refresh_token, "definitely wrong"]) {
        assert.ok(!text.includes(secret), "no password or token in the audit log");
        assert.ok(!server.stderr.includes(secret), "no password or token in the server log");
      }
      res = await api("/api/v1/admin/audit/verify", { token: admin.access_token });
      assert.equal(res.json.ok, true, res.text);
      assert.ok(res.json.entries >= 10);
      const verify = cli(server, ["audit", "verify"]);
      assert.equal(verify.status, 0, verify.stdout + verify.stderr);
      assert.match(verify.stdout, /audit log intact: \d+ entries/);
    });

    test("forged and misused tokens are refused with 401", async () => {
      const jon = await signUp(api, "jon");
      const [h, p, sig] = jon.access_token.split(".");
      const header = decodePart(jon.access_token, 0);
      const payload = decodePart(jon.access_token, 1);
      const jwks = (await api("/.well-known/jwks.json")).json;
      const escalated = b64url(JSON.stringify({ ...payload, role: "admin" }));
      const flipped = Buffer.from(sig, "base64url");
      flipped[5] ^= 0x01;
      const forgeries = {
        "payload edited, signature kept": `${h}.${escalated}.${sig}`,
        "flipped signature bit": `${h}.${p}.${flipped.toString("base64url")}`,
        "refresh token as access token": jon.refresh_token,
        "empty signature": `${h}.${p}.`,
        "kid with a path": `${b64url(JSON.stringify({ ...header, kid: "../../../../etc/passwd" }))}.${p}.${sig}`,
        "HS256 signed with the public key": (() => {
          const hh = b64url(JSON.stringify({ alg: "HS256", typ: "at+jwt", kid: header.kid }));
          const mac = createHmac("sha256", Buffer.from(jwks.keys[0].x, "base64url")).update(`${hh}.${escalated}`).digest("base64url");
          return `${hh}.${escalated}.${mac}`;
        })(),
        "embedded jwk": `${b64url(JSON.stringify({ ...header, jwk: jwks.keys[0] }))}.${p}.${sig}`,
        "garbage": "not.a.jwt",
      };
      for (const alg of ["none", "None", "NONE", "nOnE"]) {
        forgeries[`alg ${alg}`] = `${b64url(JSON.stringify({ alg, typ: "at+jwt", kid: header.kid }))}.${escalated}.`;
      }
      for (const [name, token] of Object.entries(forgeries)) {
        const res = await api("/api/v1/me", { token });
        assert.equal(res.status, 401, name);
        assert.match(res.headers.get("content-type"), /problem\+json/, name);
        const ws = connectWs(server, token);
        await assert.rejects(ws.connected, /disconnected 3500/, `${name} over the WebSocket`);
        ws.client.disconnect();
      }
      // A 1 MB token: refused before anything parses it (the header limit, 431).
      const huge = await api("/api/v1/me", { token: "a".repeat(1024 * 1024) });
      assert.ok([401, 431].includes(huge.status), `1 MB token: ${huge.status}`);
      assert.equal((await api("/api/v1/me", { token: jon.access_token })).status, 200, "the genuine token still works");
    });

    if (env.TRADECHAT_NATS_URL) {
      test("a session revoked on one instance stops at once on another (the bus carries it)", async () => {
        const second = await startServer({ env });
        try {
          const api2 = apiClient(second.url);
          const lea = await signUp(api, "lea", { userAgent: "desk" });
          const mobile = await signIn(api2, "lea", lea.password, { userAgent: "mobile" });
          assert.equal((await api2("/api/v1/me", { token: mobile.access_token })).status, 200);
          const ws = connectWs(second, mobile.access_token);
          await ws.connected;
          const sessions = (await api("/api/v1/auth/sessions", { token: lea.access_token })).json.items;
          const other = sessions.find((x) => !x.current);
          const res = await api(`/api/v1/auth/sessions/${other.id}`, { method: "DELETE", token: lea.access_token });
          assert.equal(res.status, 204);
          const closed = await ws.disconnected;
          assert.equal(closed.code, 3503, "the other instance closed the live connection");
          assert.equal((await api2("/api/v1/me", { token: mobile.access_token })).status, 401, "and refuses the token");
          ws.client.disconnect();
        } finally {
          assertCleanExit(assert, await second.stop());
        }
      });
    }

    test("unknown users and wrong passwords get identical answers", async () => {
      await signUp(api, "kim");
      const timings = { unknown: [], wrong: [] };
      const bodies = {};
      for (let i = 0; i < 3; i++) {
        for (const [kind, username] of [["unknown", `ghost${i}`], ["wrong", "kim"]]) {
          const t0 = performance.now();
          const res = await api("/api/v1/auth/login", { method: "POST", body: { username, password: `not the password ${i}` } });
          timings[kind].push(performance.now() - t0);
          assert.equal(res.status, 401);
          const { request_id, ...rest } = res.json;
          bodies[kind] = rest;
        }
      }
      assert.deepEqual(bodies.unknown, bodies.wrong);
      const median = (a) => a.sort((x, y) => x - y)[1];
      console.log(`# enumeration timing (${backend}): unknown ${median(timings.unknown).toFixed(1)} ms, wrong password ${median(timings.wrong).toFixed(1)} ms`);
    });
  });
}
