// The answer text a client builds from the `token` events of ai:<id>, with the rule
// of docs/realtime.md (and web/src/ai/answer.ts): each token says where it starts
// (`at`, UTF-16 units); a token seen twice (live, then in its persisted batch) or
// overlapping the text so far adds only what lies beyond it; one past the end waits.
export function answerText(events, messageId) {
  let text = "";
  for (const e of events) {
    if (e.type !== "token" || (messageId && e.message_id !== messageId)) continue;
    if (typeof e.at !== "number") throw new Error(`a token without its position: ${JSON.stringify(e)}`);
    if (e.at > text.length) continue;
    if (e.at + e.text.length > text.length) text += e.text.slice(text.length - e.at);
  }
  return text;
}
