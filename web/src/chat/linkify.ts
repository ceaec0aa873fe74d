// Message text → segments the view turns into DOM nodes: plain text, mentions,
// cashtags (linked to their chart), and the markdown subset the server renders
// (`code`, **bold**, *italic*). Never HTML: the view builds nodes from these.
export type Segment =
  | { kind: "text"; text: string }
  | { kind: "mention"; username: string; text: string }
  | { kind: "cashtag"; symbol: string; text: string; href: string }
  | { kind: "code"; text: string }
  | { kind: "bold"; text: string }
  | { kind: "italic"; text: string }
  | { kind: "break" };

// Same rules as the server: mentions 3–32 of A-Za-z0-9_.- not inside a word;
// cashtags 1–10 letters, optionally `.` and 1–2 more, not after a word character.
const TOKEN = /(`[^`\n]+`)|(\*\*[^*\s](?:[^*]*[^*\s])?\*\*)|(\*[^*\s](?:[^*]*[^*\s])?\*)|(?<![A-Za-z0-9_.@-])@([A-Za-z0-9_.-]{3,32})|(?<![A-Za-z0-9$])\$([A-Za-z]{1,10}(?:\.[A-Za-z]{1,2})?)(?![A-Za-z0-9])|(\n)/g;

export function chartHref(symbol: string): string {
  return `#/chart?symbol=${encodeURIComponent(symbol)}`;
}

export function linkify(text: string): Segment[] {
  const out: Segment[] = [];
  let last = 0;
  const pushText = (s: string) => {
    if (!s) return;
    const prev = out[out.length - 1];
    if (prev && prev.kind === "text") prev.text += s;
    else out.push({ kind: "text", text: s });
  };
  for (const m of text.matchAll(TOKEN)) {
    const at = m.index ?? 0;
    pushText(text.slice(last, at));
    last = at + m[0].length;
    if (m[1]) out.push({ kind: "code", text: m[1].slice(1, -1) });
    else if (m[2]) out.push({ kind: "bold", text: m[2].slice(2, -2) });
    else if (m[3]) out.push({ kind: "italic", text: m[3].slice(1, -1) });
    else if (m[4]) out.push({ kind: "mention", username: m[4], text: m[0] });
    else if (m[5]) {
      const symbol = m[5].toUpperCase();
      out.push({ kind: "cashtag", symbol, text: `$${symbol}`, href: chartHref(symbol) });
    } else if (m[6]) out.push({ kind: "break" });
  }
  pushText(text.slice(last));
  return out;
}
