// The Node.js peer: Fastify serving the same JSON bytes as tradechat's
// GET /api/v1/version, with its defaults (no logging), on one port.
import Fastify from "fastify";

const [port, body] = [Number(process.argv[2]), process.argv[3]];
const app = Fastify({ logger: false });
app.get("/api/v1/version", async (_req, reply) => {
  reply.header("content-type", "application/json");
  return body;
});
await app.listen({ port, host: "127.0.0.1" });
console.log(`fastify ${app.version} listening on ${port}`);
