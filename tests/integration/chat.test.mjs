// Chat rooms over REST and the room:<id> channels over the Centrifugo protocol,
// driven by the official SDK (npm `centrifuge`) against the real binary: rooms and
// their access rules, messages (idempotent, ordered, committed before fan-out),
// presence and history, recovery after a killed socket over 1,000 publications,
// malformed and oversize frames, a slow consumer, and two server processes sharing
// PostgreSQL and NATS.
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { ownDatabase } from "./lib/postgres.mjs";
import { Centrifuge } from "centrifuge";
import WebSocket from "ws";
import { writeFileSync } from "node:fs";
import { startServer, assertCleanExit } from "./lib/server.mjs";

// Every suite but the two-process one runs on both backends: SQLite in-process, and
// PostgreSQL + Redis + NATS when the services are configured (scripts/services env).
const backends = [["SQLite", {}]];
if (process.env.TRADECHAT_TEST_DATABASE_URL) {
  backends.push([
    "PostgreSQL + Redis + NATS",
    {
      TRADECHAT_DATABASE_URL: process.env.TRADECHAT_TEST_DATABASE_URL,
      TRADECHAT_REDIS_URL: process.env.TRADECHAT_TEST_REDIS_URL,
      TRADECHAT_NATS_URL: process.env.TRADECHAT_TEST_NATS_URL,
    },
  ]);
}

let server;

// A problem+json answer with this status; returns the parsed problem. (Responses
// are fetch Responses: the body is read here.)
async function assertProblem(assert_, res, status) {
  const text = await res.text();
  assert_.equal(res.status, status, text);
  assert_.match(res.headers.get("content-type"), /^application\/problem\+json/);
  const body = JSON.parse(text);
  assert_.equal(body.status, status);
  assert_.ok(body.type && body.title && body.request_id);
  return body;
}

function client(base) {
  const api = (path, { method = "GET", body, token, headers = {} } = {}) =>
    fetch(base.url + path, {
      method,
      headers: {
        ...(body !== undefined ? { "Content-Type": "application/json" } : {}),
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
  async function signUp(username) {
    const password = `correct horse ${username} staple`;
    const reg = await api("/api/v1/auth/register", {
      method: "POST",
      body: { username, email: `${username}@example.com`, password },
    });
    assert.equal(reg.status, 201, await reg.clone().text());
    return login(username, password);
  }
  async function login(username, password = `correct horse ${username} staple`) {
    const res = await api("/api/v1/auth/login", { method: "POST", body: { username, password } });
    assert.equal(res.status, 200);
    const tokens = await res.json();
    const me = await (await api("/api/v1/me", { token: tokens.access_token })).json();
    return { ...tokens, id: me.id, username, token: tokens.access_token };
  }
  return { api, signUp, login };
}

const { api, signUp } = {
  api: (...a) => client(server).api(...a),
  signUp: (...a) => client(server).signUp(...a),
};

// Sockets the SDK opened, so a test can kill one the hard way.
function trackedWebSocket(sockets) {
  return class extends WebSocket {
    constructor(...args) {
      super(...args);
      sockets.push(this);
    }
  };
}

function connect(token, { port = server.port, sockets = [] } = {}) {
  return new Centrifuge(`ws://127.0.0.1:${port}/connection/websocket`, {
    websocket: trackedWebSocket(sockets),
    token,
    minReconnectDelay: 50,
    maxReconnectDelay: 200,
  });
}

async function createRoom(user, name, visibility = "public") {
  const res = await api("/api/v1/rooms", { method: "POST", token: user.token, body: { name, visibility } });
  assert.equal(res.status, 201, await res.clone().text());
  return res.json();
}

async function send(user, roomId, body) {
  return api(`/api/v1/rooms/${roomId}/messages`, { method: "POST", token: user.token, body });
}

async function subscribed(sub) {
  const ctx = new Promise((resolve, reject) => {
    sub.once("subscribed", resolve);
    sub.once("unsubscribed", (e) => reject(new Error(`unsubscribed ${e.code} ${e.reason}`)));
  });
  sub.subscribe();
  return ctx;
}

// Rejects with the server's code when a subscription is refused.
async function refusedCode(client, channel) {
  const sub = client.newSubscription(channel);
  const code = new Promise((resolve) => sub.on("unsubscribed", (e) => resolve(e.code)));
  sub.subscribe();
  const c = await code;
  client.removeSubscription(sub);
  return c;
}

for (const [backend, env] of backends) {
  describe(`chat on ${backend}`, () => {
    before(async () => {
      if (env.TRADECHAT_DATABASE_URL) {
        const reset = spawnSync("psql", [env.TRADECHAT_DATABASE_URL, "-qc", "DROP SCHEMA public CASCADE; CREATE SCHEMA public"], {
          encoding: "utf8",
        });
        assert.equal(reset.status, 0, reset.stderr);
      }
      // A small outbox so the slow-consumer test overflows it quickly.
      server = await startServer({
        env,
        args: ["--set", "ws.max_outbox_bytes=256KiB", "--set", "realtime.connect_timeout=3s"],
      });
    });
    after(async () => {
      const result = await server.stop();
      if (process.env.CHAT_TEST_STDERR) writeFileSync(process.env.CHAT_TEST_STDERR, result.stderr);
      assertCleanExit(assert, result);
    });

    test("rooms: create, list with unread counts, join; private rooms stay hidden", async () => {
      const alice = await signUp("alice");
      const bob = await signUp("bob");
      const lobby = await createRoom(alice, "lobby");
      assert.equal(lobby.visibility, "public");
      assert.equal(lobby.role, "owner");
      assert.equal(lobby.channel, `room:${lobby.id}`);
      const secret = await createRoom(alice, "secret", "private");

      // Bob sees the public room but cannot read it before joining.
      let res = await api(`/api/v1/rooms/${lobby.id}`, { token: bob.token });
      assert.equal(res.status, 200);
      assert.equal((await res.json()).role, null);
      await assertProblem(assert, await api(`/api/v1/rooms/${lobby.id}/messages`, { token: bob.token }), 403);
      res = await api(`/api/v1/rooms/${lobby.id}/join`, { method: "POST", token: bob.token });
      assert.equal(res.status, 200);
      assert.equal((await res.json()).role, "member");

      // The private room does not exist for Bob: every route answers 404, like an unknown id.
      for (const [method, path] of [
        ["GET", `/api/v1/rooms/${secret.id}`],
        ["GET", `/api/v1/rooms/${secret.id}/messages`],
        ["POST", `/api/v1/rooms/${secret.id}/join`],
        ["GET", `/api/v1/rooms/${secret.id}/members`],
        ["GET", "/api/v1/rooms/0123456789abcdef"],
      ]) {
        const r = await api(path, { method, token: bob.token });
        await assertProblem(assert, r, 404);
      }
      await assertProblem(assert, await send(bob, secret.id, { text: "let me in" }), 404);

      // Unread counts: Alice writes twice, Bob has two unread until he reads up to the last.
      await send(alice, lobby.id, { text: "one" });
      const two = await (await send(alice, lobby.id, { text: "two" })).json();
      let mine = await (await api("/api/v1/rooms", { token: bob.token })).json();
      assert.deepEqual(
        mine.items.map((r) => [r.name, r.unread]),
        [["lobby", 2]],
      );
      res = await api(`/api/v1/rooms/${lobby.id}/read`, { method: "POST", token: bob.token, body: { seq: two.seq } });
      assert.deepEqual(await res.json(), { last_read_seq: two.seq, unread: 0 });
      mine = await (await api("/api/v1/rooms", { token: bob.token })).json();
      assert.equal(mine.items[0].unread, 0);
      // Alice's list has both rooms, the private one included.
      const hers = await (await api("/api/v1/rooms", { token: alice.token })).json();
      assert.deepEqual(hers.items.map((r) => r.name).sort(), ["lobby", "secret"]);

      // Invite into the private room (by username), then Bob can read it.
      res = await api(`/api/v1/rooms/${secret.id}/invites`, { method: "POST", token: alice.token, body: { user: "bob" } });
      assert.equal(res.status, 200, await res.clone().text());
      assert.equal((await res.json()).user_id, bob.id);
      assert.equal((await api(`/api/v1/rooms/${secret.id}/messages`, { token: bob.token })).status, 200);
      // A member of a private room cannot invite; only moderators and the owner can.
      const carol = await signUp("carol");
      await assertProblem(
        assert,
        await api(`/api/v1/rooms/${secret.id}/invites`, { method: "POST", token: bob.token, body: { user: carol.id } }),
        403,
      );
    });

    test("bad REST input gets a clear problem and changes nothing", async () => {
      const dave = await signUp("dave");
      const room = await createRoom(dave, "input");
      const before = await (await api("/api/v1/rooms", { token: dave.token })).json();
      const cases = [
        ["POST", "/api/v1/rooms", "{not json", 400],
        ["POST", "/api/v1/rooms", { name: 5, visibility: "public" }, 422],
        ["POST", "/api/v1/rooms", { name: "x", visibility: "secret" }, 422],
        ["POST", "/api/v1/rooms", { name: "x", visibility: "public", owner: "me" }, 422],
        ["POST", "/api/v1/rooms", { name: "", visibility: "public" }, 422],
        ["POST", "/api/v1/rooms", [], 422],
        ["POST", `/api/v1/rooms/${room.id}/messages`, { text: "" }, 422],
        ["POST", `/api/v1/rooms/${room.id}/messages`, { text: "   " }, 422],
        ["POST", `/api/v1/rooms/${room.id}/messages`, { text: "x".repeat(4001) }, 422],
        ["POST", `/api/v1/rooms/${room.id}/messages`, { text: "bell \u0007" }, 422],
        ["POST", `/api/v1/rooms/${room.id}/messages`, { text: "hi", client_msg_id: "has space" }, 422],
        ["POST", `/api/v1/rooms/${room.id}/messages`, { text: "hi", client_msg_id: 7 }, 422],
        ["POST", `/api/v1/rooms/${room.id}/messages`, { text: "hi", author: "someone" }, 422],
        ["POST", `/api/v1/rooms/${room.id}/messages`, { text: "hi", reply_to: "0123456789abcdef0123" }, 422],
        ["POST", `/api/v1/rooms/${room.id}/read`, { seq: "1" }, 422],
        ["POST", `/api/v1/rooms/${room.id}/read`, { seq: 99 }, 422],
        ["POST", `/api/v1/rooms/${room.id}/mutes`, { user_id: dave.id, seconds: -1 }, 422],
        ["GET", `/api/v1/rooms/${room.id}/messages?limit=0`, undefined, 422],
        ["GET", `/api/v1/rooms/${room.id}/messages?cursor=abc`, undefined, 422],
        ["GET", `/api/v1/rooms/${room.id}/search?q=`, undefined, 422],
        ["GET", "/api/v1/rooms/..%2F..%2Fetc", undefined, 404],
        ["POST", "/api/v1/direct", { user: dave.id }, 422],
        ["POST", "/api/v1/direct", { user: "nobody-at-all" }, 404],
      ];
      for (const [method, path, body, status] of cases) {
        const res = await api(path, { method, token: dave.token, body });
        const problem = await assertProblem(assert, res, status);
        assert.ok(problem.detail || problem.title, `${method} ${path} explains itself`);
      }
      // No token at all.
      await assertProblem(assert, await api("/api/v1/rooms"), 401);
      const after = await (await api("/api/v1/rooms", { token: dave.token })).json();
      assert.deepEqual(after, before, "no room was created");
      const history = await (await api(`/api/v1/rooms/${room.id}/messages`, { token: dave.token })).json();
      assert.equal(history.items.length, 0, "no message was stored");
    });

    test("messages: mentions, cashtags, safe html, replies, edits, deletes, reactions, pins, search, paging", async () => {
      const erin = await signUp("erin");
      const frank = await signUp("frank");
      const room = await createRoom(erin, "markets");
      await api(`/api/v1/rooms/${room.id}/join`, { method: "POST", token: frank.token });

      let res = await send(erin, room.id, { text: "@frank look at $aapl and $BRK.B <script>x</script> **now** 100%_done" });
      assert.equal(res.status, 201);
      const first = await res.json();
      assert.equal(first.author, erin.id);
      assert.deepEqual(first.mentions, [{ username: "frank", user_id: frank.id }]);
      assert.deepEqual(first.cashtags, ["AAPL", "BRK.B"]);
      assert.doesNotMatch(first.html, /<script>/);
      assert.match(first.html, /&lt;script&gt;/);
      assert.match(first.html, /<strong>now<\/strong>/);
      assert.match(first.html, /href="\/markets\/AAPL"/);
      assert.equal(first.text, "@frank look at $aapl and $BRK.B <script>x</script> **now** 100%_done", "source kept");

      // A reply, then the thread.
      const reply = await (await send(frank, room.id, { text: "on it", reply_to: first.id })).json();
      assert.equal(reply.reply_to, first.id);
      const thread = await (await api(`/api/v1/rooms/${room.id}/messages/${first.id}/thread`, { token: frank.token })).json();
      assert.deepEqual(
        thread.items.map((m) => m.id),
        [reply.id],
      );

      // Edits keep history and only the author edits.
      await assertProblem(
        assert,
        await api(`/api/v1/rooms/${room.id}/messages/${first.id}`, { method: "PATCH", token: frank.token, body: { text: "mine now" } }),
        403,
      );
      res = await api(`/api/v1/rooms/${room.id}/messages/${first.id}`, { method: "PATCH", token: erin.token, body: { text: "edited $TSLA" } });
      const edited = await res.json();
      assert.equal(edited.text, "edited $TSLA");
      assert.deepEqual(edited.cashtags, ["TSLA"]);
      assert.ok(edited.edited_at_ms);
      const edits = await (await api(`/api/v1/rooms/${room.id}/messages/${first.id}/edits`, { token: erin.token })).json();
      assert.equal(edits.items.length, 1);
      assert.equal(edits.items[0].text, first.text);

      // Reactions: counted per emoji, one per user and emoji.
      const heart = encodeURIComponent("❤️");
      for (const user of [erin, frank, frank]) {
        res = await api(`/api/v1/rooms/${room.id}/messages/${first.id}/reactions/${heart}`, { method: "PUT", token: user.token });
        assert.equal(res.status, 200);
      }
      assert.deepEqual((await res.json()).reactions, { "❤️": 2 });

      // Pins: members may not, the owner may.
      await assertProblem(assert, await api(`/api/v1/rooms/${room.id}/pins/${first.id}`, { method: "PUT", token: frank.token }), 403);
      assert.equal((await api(`/api/v1/rooms/${room.id}/pins/${first.id}`, { method: "PUT", token: erin.token })).status, 200);
      const pins = await (await api(`/api/v1/rooms/${room.id}/pins`, { token: frank.token })).json();
      assert.deepEqual(
        pins.items.map((m) => m.id),
        [first.id],
      );

      // Search escapes LIKE wildcards: "%_" matches only the literal text.
      const found = await (await api(`/api/v1/rooms/${room.id}/search?q=${encodeURIComponent("on i")}`, { token: frank.token })).json();
      assert.deepEqual(
        found.items.map((m) => m.id),
        [reply.id],
      );
      const literal = await (await api(`/api/v1/rooms/${room.id}/search?q=${encodeURIComponent("%_")}`, { token: frank.token })).json();
      assert.equal(literal.items.length, 0);

      // Deletes: not someone else's (as a member), yes one's own; the offset stays taken.
      await assertProblem(assert, await api(`/api/v1/rooms/${room.id}/messages/${first.id}`, { method: "DELETE", token: frank.token }), 403);
      assert.equal((await api(`/api/v1/rooms/${room.id}/messages/${reply.id}`, { method: "DELETE", token: frank.token })).status, 204);
      // The owner deletes a member's message.
      const third = await (await send(frank, room.id, { text: "spam" })).json();
      assert.equal((await api(`/api/v1/rooms/${room.id}/messages/${third.id}`, { method: "DELETE", token: erin.token })).status, 204);
      const gone = await (await api(`/api/v1/rooms/${room.id}/messages/${third.id}`, { token: erin.token })).json();
      assert.equal(gone.deleted, true);
      assert.equal(gone.text, "");

      // Paging: newest last, the cursor walks back without overlap or gap.
      for (let i = 0; i < 7; i++) await send(erin, room.id, { text: `page ${i}` });
      const seen = [];
      let cursor = "";
      for (;;) {
        const page = await (await api(`/api/v1/rooms/${room.id}/messages?limit=3${cursor ? `&cursor=${cursor}` : ""}`, { token: frank.token })).json();
        const seqs = page.items.map((m) => m.seq);
        assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), "newest last within a page");
        seen.unshift(...seqs);
        if (!page.next_cursor) break;
        cursor = page.next_cursor;
      }
      assert.deepEqual(seen, Array.from({ length: 10 }, (_, i) => i + 1));
    });

    test("moderation: kick, ban and mute follow room roles", async () => {
      const gina = await signUp("gina");
      const hank = await signUp("hank");
      const ivan = await signUp("ivan");
      const room = await createRoom(gina, "modroom");
      for (const u of [hank, ivan]) await api(`/api/v1/rooms/${room.id}/join`, { method: "POST", token: u.token });
      // A member cannot kick; the owner makes Hank a moderator, who can kick a member but not the owner.
      await assertProblem(assert, await api(`/api/v1/rooms/${room.id}/members/${ivan.id}`, { method: "DELETE", token: hank.token }), 403);
      let res = await api(`/api/v1/rooms/${room.id}/members/${hank.id}`, { method: "PATCH", token: gina.token, body: { role: "moderator" } });
      assert.equal((await res.json()).role, "moderator");
      await assertProblem(assert, await api(`/api/v1/rooms/${room.id}/members/${gina.id}`, { method: "DELETE", token: hank.token }), 403);
      // Mute: Ivan cannot write until unmuted.
      res = await api(`/api/v1/rooms/${room.id}/mutes`, { method: "POST", token: hank.token, body: { user_id: ivan.id, seconds: 600 } });
      assert.equal(res.status, 200);
      await assertProblem(assert, await send(ivan, room.id, { text: "hello?" }), 403);
      await api(`/api/v1/rooms/${room.id}/mutes`, { method: "POST", token: hank.token, body: { user_id: ivan.id, seconds: 0 } });
      assert.equal((await send(ivan, room.id, { text: "hello!" })).status, 201);
      // Ban: Ivan is out and cannot come back until unbanned.
      assert.equal((await api(`/api/v1/rooms/${room.id}/bans/${ivan.id}`, { method: "PUT", token: hank.token })).status, 204);
      await assertProblem(assert, await api(`/api/v1/rooms/${room.id}/messages`, { token: ivan.token }), 403);
      await assertProblem(assert, await api(`/api/v1/rooms/${room.id}/join`, { method: "POST", token: ivan.token }), 403);
      assert.equal((await api(`/api/v1/rooms/${room.id}/bans/${ivan.id}`, { method: "DELETE", token: hank.token })).status, 204);
      assert.equal((await api(`/api/v1/rooms/${room.id}/join`, { method: "POST", token: ivan.token })).status, 200);
      // The owner cannot leave; a member can.
      await assertProblem(assert, await api(`/api/v1/rooms/${room.id}/leave`, { method: "POST", token: gina.token }), 409);
      assert.equal((await api(`/api/v1/rooms/${room.id}/leave`, { method: "POST", token: ivan.token })).status, 204);
      // Direct rooms: both users are members, opening again finds the same room.
      const dm = await (await api("/api/v1/direct", { method: "POST", token: gina.token, body: { user: "hank" } })).json();
      const again = await (await api("/api/v1/direct", { method: "POST", token: hank.token, body: { user: gina.id } })).json();
      assert.equal(dm.id, again.id);
      assert.equal(dm.kind, "direct");
      await assertProblem(assert, await api(`/api/v1/rooms/${dm.id}`, { token: ivan.token }), 404);
    });

    test("the SDK subscribes to a room, publishes, and sees REST messages, presence and history", async () => {
      const jane = await signUp("jane");
      const kim = await signUp("kim");
      const room = await createRoom(jane, "live");
      await api(`/api/v1/rooms/${room.id}/join`, { method: "POST", token: kim.token });
      const a = connect(jane.token);
      const b = connect(kim.token);
      a.connect();
      b.connect();
      const subA = a.newSubscription(`room:${room.id}`);
      const subB = b.newSubscription(`room:${room.id}`);
      const gotB = [];
      subB.on("publication", (ctx) => gotB.push(ctx));
      // Jane sees who comes and goes (join/leave pushes).
      const joins = [];
      const leaves = [];
      subA.on("join", (ctx) => joins.push(ctx.info.user));
      subA.on("leave", (ctx) => leaves.push(ctx.info.user));
      const ctxA = await subscribed(subA);
      await subscribed(subB);
      assert.equal(ctxA.recoverable, true);

      // Publish through the protocol: the ack comes after the message is stored.
      await subA.publish({ text: "hello $SPY", client_msg_id: "c-1" });
      // A retry with the same client_msg_id stores and fans out nothing new.
      await subA.publish({ text: "hello $SPY", client_msg_id: "c-1" });
      // REST publishes on the same channel.
      const viaRest = await (await send(kim, room.id, { text: "from rest", client_msg_id: "r-1" })).json();
      const retried = await (await send(kim, room.id, { text: "from rest", client_msg_id: "r-1" })).json();
      assert.equal(retried.id, viaRest.id, "a retry returns the original message");

      // Wait until Kim saw both messages (the test's own timeout bounds this).
      while (gotB.filter((p) => p.data.type === "message").length < 2) await new Promise((r) => setTimeout(r, 20));
      const messages = gotB.filter((p) => p.data.type === "message");
      assert.equal(messages[0].data.text, "hello $SPY");
      assert.equal(messages[0].data.author, jane.id);
      assert.equal(messages[0].data.client_msg_id, "c-1");
      assert.ok(messages[0].data.id);
      assert.deepEqual(
        messages.map((p) => p.offset),
        [1, 2],
      );
      assert.equal(messages[1].data.id, viaRest.id);

      const stats = await subA.presenceStats();
      assert.equal(stats.numClients, 2);
      assert.equal(stats.numUsers, 2);
      const presence = await subA.presence();
      assert.deepEqual(Object.values(presence.clients).map((c) => c.user).sort(), [jane.id, kim.id].sort());

      const hist = await subA.history({ limit: 10 });
      assert.deepEqual(
        hist.publications.map((p) => p.data.text),
        ["hello $SPY", "from rest"],
      );
      // Newest first, and after a position.
      const newest = await subA.history({ limit: 1, reverse: true });
      assert.deepEqual(
        newest.publications.map((p) => p.data.text),
        ["from rest"],
      );
      const since = await subA.history({ limit: 10, since: { offset: 1, epoch: hist.epoch } });
      assert.deepEqual(
        since.publications.map((p) => p.offset),
        [2],
      );
      await assert.rejects(subA.history({ limit: 10, since: { offset: 1, epoch: "another" } }), (e) => e.code === 112);
      assert.deepEqual(joins, [kim.id], "Kim's subscribe reached Jane as a join");
      const stored = await (await api(`/api/v1/rooms/${room.id}/messages`, { token: jane.token })).json();
      assert.equal(stored.items.length, 2, "retries stored nothing");

      // Bad publications are refused with the protocol's bad-request code, and store nothing.
      for (const data of [{ text: "" }, { text: 5 }, { text: "x", extra: 1 }, "just a string", { text: "x".repeat(4001) }]) {
        await assert.rejects(subA.publish(data), (e) => e.code === 107);
      }
      // Typing is an rpc that reaches the room as a droppable event, never stored.
      await a.rpc("typing", { room: room.id });
      while (!gotB.some((p) => p.data.type === "typing")) await new Promise((r) => setTimeout(r, 20));
      assert.equal(gotB.find((p) => p.data.type === "typing").data.user_id, jane.id);
      // The same through the protocol's fire-and-forget send, from Kim.
      await b.send({ room: room.id });
      while (!gotB.some((p) => p.data.type === "typing" && p.data.user_id === kim.id)) await new Promise((r) => setTimeout(r, 20));
      const after = await (await api(`/api/v1/rooms/${room.id}/messages`, { token: jane.token })).json();
      assert.equal(after.items.length, 2);

      // Live events without offsets: an edit, a reaction, a pin, a delete reach Kim.
      const first = messages[0].data;
      const ok = async (res, status) => assert.equal((await res).status, status);
      await ok(api(`/api/v1/rooms/${room.id}/messages/${first.id}`, { method: "PATCH", token: jane.token, body: { text: "hello $QQQ" } }), 200);
      await ok(api(`/api/v1/rooms/${room.id}/messages/${first.id}/reactions/${encodeURIComponent("👍")}`, { method: "PUT", token: kim.token }), 200);
      await ok(api(`/api/v1/rooms/${room.id}/pins/${first.id}`, { method: "PUT", token: jane.token }), 200);
      await ok(api(`/api/v1/rooms/${room.id}/messages/${first.id}`, { method: "DELETE", token: jane.token }), 204);
      const live = () => gotB.filter((p) => p.data.type !== "message" && p.data.type !== "typing" && p.data.type !== "read");
      while (!live().some((p) => p.data.type === "message.deleted")) await new Promise((r) => setTimeout(r, 20));
      const events = live().map((p) => p.data.type);
      assert.ok(["message.edited", "message.reactions", "message.pinned", "message.deleted"].every((t) => events.includes(t)), events.join());
      assert.equal(live().find((p) => p.data.type === "message.edited").data.message.text, "hello $QQQ");
      assert.ok(live().every((p) => p.offset === undefined || p.offset === 0), "events take no offset");
      // A mention reaches the mentioned member on their personal channel.
      const mentioned = new Promise((resolve) => a.on("publication", (ctx) => ctx.channel === `user#${jane.id}` && resolve(ctx.data)));
      await ok(send(kim, room.id, { text: "@jane see this" }), 201);
      const mention = await mentioned;
      assert.equal(mention.type, "mention");
      assert.equal(mention.author, kim.id);
      assert.equal(mention.text, "@jane see this");

      // Kicked: the server ends Kim's subscription at once.
      const ended = new Promise((resolve) => subB.once("unsubscribed", resolve));
      assert.equal((await api(`/api/v1/rooms/${room.id}/members/${kim.id}`, { method: "DELETE", token: jane.token })).status, 204);
      assert.equal((await ended).code, 2000);
      while (!leaves.includes(kim.id)) await new Promise((r) => setTimeout(r, 20));
      a.disconnect();
      b.disconnect();
    });

    test("a private room and another user's personal channel are refused", async () => {
      const lena = await signUp("lena");
      const mike = await signUp("mike");
      const secret = await createRoom(lena, "vault", "private");
      const open = await createRoom(lena, "open");
      const c = connect(mike.token);
      c.connect();
      assert.equal(await refusedCode(c, `room:${secret.id}`), 102, "a private room does not exist for strangers");
      assert.equal(await refusedCode(c, `room:${open.id}`), 103, "a public room needs joining first");
      assert.equal(await refusedCode(c, `user#${lena.id}`), 103);
      assert.equal(await refusedCode(c, "room:not-a-room"), 102);
      c.disconnect();
    });

    test("recovery after the socket is killed: 1,000 publications, none missed, none twice", async () => {
      const nora = await signUp("nora");
      const otto = await signUp("otto");
      const room = await createRoom(nora, "firehose");
      await api(`/api/v1/rooms/${room.id}/join`, { method: "POST", token: otto.token });
      const sockets = [];
      const c = connect(otto.token, { sockets });
      c.connect();
      const sub = c.newSubscription(`room:${room.id}`);
      const offsets = [];
      const recoveries = [];
      sub.on("publication", (ctx) => offsets.push(ctx.offset));
      sub.on("subscribed", (ctx) => recoveries.push(ctx));
      let terminal = null;
      c.on("disconnected", (ctx) => (terminal = ctx));
      await subscribed(sub);

      const total = 1000;
      let killed = false;
      let next = 0;
      const publisher = async () => {
        while (next < total) {
          const i = next++;
          const res = await send(nora, room.id, { text: `m${i}`, client_msg_id: `m${i}` });
          assert.equal(res.status, 201);
          // Kill the subscriber's socket mid-stream, without a close handshake.
          if (i === 300 && !killed) {
            killed = true;
            sockets.at(-1).terminate();
          }
        }
      };
      await Promise.all([publisher(), publisher(), publisher(), publisher()]);
      assert.ok(killed);
      let seen = offsets.length;
      let stalledSince = Date.now();
      while (offsets.length < total) {
        // A client the server disconnected for good would never catch up: fail, don't hang.
        assert.equal(terminal, null, "the client was not disconnected for good");
        // Nor would one that lost a publication: after a long stall, fail naming what is missing.
        if (offsets.length !== seen) [seen, stalledSince] = [offsets.length, Date.now()];
        if (Date.now() - stalledSince > 30000) {
          const missing = Array.from({ length: total }, (_, i) => i + 1).filter((o) => !offsets.includes(o));
          assert.fail(`no publication for 30 s; missing offsets ${missing.slice(0, 20)}`);
        }
        await new Promise((r) => setTimeout(r, 20));
      }
      // Let anything duplicated arrive too, then check.
      await sub.history({ limit: 1 });
      assert.equal(offsets.length, total, "no duplicates");
      assert.deepEqual(offsets, Array.from({ length: total }, (_, i) => i + 1), "every offset once, in order");
      assert.ok(sockets.length >= 2, "the client reconnected");
      const recovered = recoveries.filter((r) => r.wasRecovering);
      assert.ok(recovered.length >= 1 && recovered.every((r) => r.recovered), "the resubscribe recovered");
      c.disconnect();
    });

    test("malformed and oversize frames close the connection with a protocol code", async () => {
      const pia = await signUp("pia");
      const closeCode = (frames) =>
        new Promise((resolve, reject) => {
          const ws = new WebSocket(`ws://127.0.0.1:${server.port}/connection/websocket`);
          ws.on("open", () => frames.forEach((f) => ws.send(f)));
          ws.on("close", (code) => resolve(code));
          ws.on("error", reject);
        });
      assert.equal(await closeCode(["this is not json"]), 3501);
      // A connection that never sends connect is closed at realtime.connect_timeout (3 s here).
      assert.equal(await closeCode([]), 3501, "unauthenticated connections are reaped");
      assert.equal(await closeCode([JSON.stringify({ id: 1, subscribe: { channel: "room:x" } })]), 3501, "connect first");
      const connectFrame = JSON.stringify({ id: 1, connect: { token: pia.token } });
      assert.equal(await closeCode([connectFrame, "{\"id\":2,"]), 3501);
      assert.equal(await closeCode([connectFrame, "x".repeat(70 * 1024)]), 1009, "over ws.max_message_bytes");
      // Several commands in one frame get their replies in one frame too.
      const replies = await new Promise((resolve, reject) => {
        const ws = new WebSocket(`ws://127.0.0.1:${server.port}/connection/websocket`);
        ws.on("open", () => ws.send(`${connectFrame}\n${JSON.stringify({ id: 2, rpc: { method: "nope" } })}`));
        ws.once("message", (m) => {
          ws.close();
          resolve(m.toString().split("\n").map((l) => JSON.parse(l)));
        });
        ws.on("error", reject);
      });
      assert.equal(replies.length, 2, "both replies in the first frame");
      assert.ok(replies.find((r) => r.id === 1).connect);
      assert.equal(replies.find((r) => r.id === 2).error.code, 104);
    });

    test("a slow consumer is disconnected with 3008 while a fast one gets everything", async () => {
      const quinn = await signUp("quinn");
      const rita = await signUp("rita");
      const room = await createRoom(quinn, "slow");
      await api(`/api/v1/rooms/${room.id}/join`, { method: "POST", token: rita.token });
      // The slow one: a raw socket that subscribes and then stops reading.
      const slow = new WebSocket(`ws://127.0.0.1:${server.port}/connection/websocket`);
      const slowClosed = new Promise((resolve) => slow.on("close", (code) => resolve(code)));
      await new Promise((resolve) => slow.on("open", resolve));
      const ready = new Promise((resolve) =>
        slow.on("message", (m) => {
          if (m.toString().includes('"id":2')) resolve();
        }),
      );
      slow.send(JSON.stringify({ id: 1, connect: { token: rita.token } }));
      slow.send(JSON.stringify({ id: 2, subscribe: { channel: `room:${room.id}` } }));
      await ready;
      slow._socket.pause();
      // The fast one: the SDK.
      const fast = connect(quinn.token);
      fast.connect();
      const sub = fast.newSubscription(`room:${room.id}`);
      let fastCount = 0;
      sub.on("publication", (ctx) => ctx.data.type === "message" && fastCount++);
      await subscribed(sub);
      const text = "y".repeat(3900);
      const total = 1500;
      let next = 0;
      const publisher = async () => {
        while (next < total) {
          next++;
          assert.equal((await send(quinn, room.id, { text })).status, 201);
        }
      };
      await Promise.all([publisher(), publisher(), publisher(), publisher()]);
      while (fastCount < total) await new Promise((r) => setTimeout(r, 20));
      slow._socket.resume();
      assert.equal(await slowClosed, 3008, "told to reconnect and recover");
      fast.disconnect();
    });
  });
}

test("two server processes sharing PostgreSQL and NATS deliver each other's messages", async (t) => {
  const url = process.env.TRADECHAT_TEST_DATABASE_URL;
  const nats = process.env.TRADECHAT_TEST_NATS_URL;
  if (!url || !nats) {
    t.skip("TRADECHAT_TEST_DATABASE_URL / TRADECHAT_TEST_NATS_URL not set (scripts/services env)");
    return;
  }
  const db = ownDatabase(url, "tc_chat");
  // One personal-data key for both (it encrypts the shared signing keys).
  const env = {
    TRADECHAT_DATABASE_URL: db.url,
    TRADECHAT_NATS_URL: nats,
    TRADECHAT_AUTH_PII_KEY: randomBytes(64).toString("base64url"),
  };
  const one = await startServer({ env });
  const two = await startServer({ env });
  try {
    const c1 = client(one);
    const c2 = client(two);
    const sam = await c1.signUp("sam");
    const tess = await c2.signUp("tess");
    let res = await c1.api("/api/v1/rooms", { method: "POST", token: sam.token, body: { name: "bridge", visibility: "public" } });
    const room = await res.json();
    res = await c2.api(`/api/v1/rooms/${room.id}/join`, { method: "POST", token: tess.token });
    assert.equal(res.status, 200);

    const socketsB = [];
    const a = connect(sam.token, { port: one.port });
    const b = connect(tess.token, { port: two.port, sockets: socketsB });
    a.connect();
    b.connect();
    const subA = a.newSubscription(`room:${room.id}`);
    const subB = b.newSubscription(`room:${room.id}`);
    const gotA = [];
    const gotB = [];
    subA.on("publication", (ctx) => ctx.data.type === "message" && gotA.push(ctx));
    subB.on("publication", (ctx) => ctx.data.type === "message" && gotB.push(ctx));
    await subscribed(subA);
    await subscribed(subB);
    // Each side publishes through its own process; both see all, in offset order.
    for (let i = 0; i < 20; i++) {
      if (i % 2) await subA.publish({ text: `a${i}`, client_msg_id: `a${i}` });
      else await subB.publish({ text: `b${i}`, client_msg_id: `b${i}` });
    }
    while (gotA.length < 20 || gotB.length < 20) await new Promise((r) => setTimeout(r, 20));
    const expected = Array.from({ length: 20 }, (_, i) => i + 1);
    assert.deepEqual(gotA.map((p) => p.offset), expected);
    assert.deepEqual(gotB.map((p) => p.offset), expected);
    assert.deepEqual(gotA.map((p) => p.data.id), gotB.map((p) => p.data.id));
    // History over the protocol reads the shared database on either side.
    const hist = await subB.history({ limit: 100 });
    assert.equal(hist.publications.length, 20);
    // Tess's socket dies; what Sam sends meanwhile on the other process is recovered
    // from the shared database when her client comes back.
    socketsB.at(-1).terminate();
    for (let i = 20; i < 30; i++) await subA.publish({ text: `late${i}`, client_msg_id: `late${i}` });
    while (gotB.length < 30) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(
      gotB.map((p) => p.offset),
      Array.from({ length: 30 }, (_, i) => i + 1),
    );
    // A mention made on one process reaches the mentioned user's personal channel
    // (a server-side subscription) on the other.
    const mentions = [];
    b.on("publication", (ctx) => ctx.channel === `user#${tess.id}` && mentions.push(ctx.data));
    await subA.publish({ text: "@tess look", client_msg_id: "mention-1" });
    while (mentions.length < 1) await new Promise((r) => setTimeout(r, 20));
    assert.equal(mentions[0].type, "mention");
    assert.equal(mentions[0].author, sam.id);
    assert.equal(mentions[0].room_id, room.id);
    a.disconnect();
    b.disconnect();
  } finally {
    assertCleanExit(assert, await one.stop());
    assertCleanExit(assert, await two.stop());
    db.drop();
  }
});
