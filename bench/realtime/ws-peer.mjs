// The peer tradechat's gateway is measured against: a plain broadcast server on the
// npm `ws` package (the usual Node WebSocket server), without a protocol. A frame
// starting with `{` is echoed to its sender; any other frame is broadcast to every
// other open connection, the idiomatic loop from ws's README (one send per client,
// the same Buffer, no per-message deflate).
// Usage: node bench/realtime/ws-peer.mjs PORT
import { WebSocketServer, WebSocket } from "ws";

const port = Number(process.argv[2]);
const wss = new WebSocketServer({ host: "127.0.0.1", port, perMessageDeflate: false, maxPayload: 64 * 1024 });
wss.on("connection", (ws) => {
  ws.on("message", (data, isBinary) => {
    if (data[0] === 0x7b) {
      ws.send(data, { binary: isBinary });
      return;
    }
    for (const client of wss.clients) {
      if (client !== ws && client.readyState === WebSocket.OPEN) client.send(data, { binary: false });
    }
  });
});
wss.on("listening", () => console.log(`listening ${port}`));
