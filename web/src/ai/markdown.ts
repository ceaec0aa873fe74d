// The markdown an answer is written in, parsed into blocks and inline pieces the view
// turns into DOM nodes (never HTML strings, so nothing in an answer can become markup
// or script). Text pieces keep their offset in the source, so the grounding marks
// (offsets into the answer) land on the right characters. Pure; unit-tested.
//
// Supported: headings, paragraphs, bullet and numbered lists, fenced code, block
// quotes, pipe tables, rules; inline `code`, **bold**, *italic*, [links](https://…)
// (http and https only; anything else stays text).

export type Inline =
  | { kind: "text"; text: string; start: number }
  | { kind: "code"; text: string }
  | { kind: "strong"; children: Inline[] }
  | { kind: "em"; children: Inline[] }
  | { kind: "link"; href: string; children: Inline[] }
  | { kind: "break" };

export type Block =
  | { kind: "heading"; level: number; inlines: Inline[] }
  | { kind: "paragraph"; inlines: Inline[] }
  | { kind: "list"; ordered: boolean; items: Inline[][] }
  | { kind: "code"; lang: string; text: string }
  | { kind: "quote"; inlines: Inline[] }
  | { kind: "table"; header: Inline[][]; rows: Inline[][][] }
  | { kind: "rule" };

const INLINE = /(`[^`\n]+`)|(\*\*(?=\S)([^\n]*?\S)\*\*)|(\*(?=[^\s*])([^*\n]*?[^\s*])\*)|(\[([^\]\n]+)\]\((https?:\/\/[^\s()]+)\))/g;

export function parseInline(s: string, base = 0): Inline[] {
  const out: Inline[] = [];
  let last = 0;
  const text = (from: number, to: number) => {
    if (to > from) out.push({ kind: "text", text: s.slice(from, to), start: base + from });
  };
  for (const m of s.matchAll(INLINE)) {
    const at = m.index ?? 0;
    text(last, at);
    last = at + m[0].length;
    if (m[1]) out.push({ kind: "code", text: m[1].slice(1, -1) });
    else if (m[2]) out.push({ kind: "strong", children: parseInline(m[3], base + at + 2) });
    else if (m[4]) out.push({ kind: "em", children: parseInline(m[5], base + at + 1) });
    else if (m[6]) out.push({ kind: "link", href: m[8], children: parseInline(m[7], base + at + 1) });
  }
  text(last, s.length);
  return out;
}

const FENCE = /^\s{0,3}```\s*([\w+-]*)\s*$/;
const HEADING = /^(#{1,6})\s+(.*?)\s*#*\s*$/;
const RULE = /^\s{0,3}([-*_])(\s*\1){2,}\s*$/;
const ITEM = /^(\s*)([-*+]|\d{1,3}[.)])\s+(.*)$/;
const QUOTE = /^\s{0,3}>\s?(.*)$/;
const TABLE_SEP = /^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$/;

/** A table row's cells with their offsets in the line. */
function cells(line: string): { text: string; start: number }[] {
  const out: { text: string; start: number }[] = [];
  let from = 0;
  let to = line.length;
  const lead = line.match(/^\s*\|/);
  if (lead) from = lead[0].length;
  const trail = line.match(/\|\s*$/);
  if (trail && (trail.index ?? 0) >= from) to = trail.index ?? to;
  let start = from;
  for (let i = from; i <= to; i += 1) {
    if (i === to || (line[i] === "|" && line[i - 1] !== "\\")) {
      const raw = line.slice(start, i);
      const lead = raw.length - raw.trimStart().length;
      out.push({ text: raw.trim(), start: start + lead });
      start = i + 1;
    }
  }
  return out;
}

export function parseMarkdown(source: string): Block[] {
  const lines = source.replace(/\r\n?/g, "\n").split("\n");
  // Offsets: CRLF normalisation shifts them, so answers with CR are marked on the normalised text.
  const starts: number[] = [];
  let offset = 0;
  for (const l of lines) {
    starts.push(offset);
    offset += l.length + 1;
  }
  const blocks: Block[] = [];
  let para: Inline[] | null = null;
  const endPara = () => {
    if (para) blocks.push({ kind: "paragraph", inlines: para });
    para = null;
  };
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i];
    const base = starts[i];
    const fence = line.match(FENCE);
    if (fence) {
      endPara();
      const body: string[] = [];
      let j = i + 1;
      while (j < lines.length && !FENCE.test(lines[j])) body.push(lines[j++]);
      blocks.push({ kind: "code", lang: fence[1], text: body.join("\n") });
      i = j;
      continue;
    }
    if (!line.trim()) {
      endPara();
      continue;
    }
    const heading = line.match(HEADING);
    if (heading) {
      endPara();
      blocks.push({ kind: "heading", level: heading[1].length, inlines: parseInline(heading[2], base + line.indexOf(heading[2])) });
      continue;
    }
    if (RULE.test(line)) {
      endPara();
      blocks.push({ kind: "rule" });
      continue;
    }
    if (line.includes("|") && i + 1 < lines.length && TABLE_SEP.test(lines[i + 1]) && lines[i + 1].includes("-")) {
      endPara();
      const header = cells(line).map((c) => parseInline(c.text, base + c.start));
      const rows: Inline[][][] = [];
      let j = i + 2;
      while (j < lines.length && lines[j].includes("|") && lines[j].trim()) {
        const b = starts[j];
        rows.push(cells(lines[j]).map((c) => parseInline(c.text, b + c.start)));
        j += 1;
      }
      blocks.push({ kind: "table", header, rows });
      i = j - 1;
      continue;
    }
    const item = line.match(ITEM);
    if (item) {
      endPara();
      const ordered = /\d/.test(item[2]);
      const items: Inline[][] = [];
      let j = i;
      while (j < lines.length) {
        const m = lines[j].match(ITEM);
        if (m && /\d/.test(m[2]) === ordered) {
          items.push(parseInline(m[3], starts[j] + lines[j].length - m[3].length));
        } else if (!m && lines[j].trim() && /^\s{2,}/.test(lines[j]) && items.length) {
          const text = lines[j].trimStart();
          items[items.length - 1].push({ kind: "break" }, ...parseInline(text, starts[j] + lines[j].length - text.length));
        } else break;
        j += 1;
      }
      blocks.push({ kind: "list", ordered, items });
      i = j - 1;
      continue;
    }
    const quote = line.match(QUOTE);
    if (quote) {
      endPara();
      const inlines: Inline[] = [];
      let j = i;
      while (j < lines.length) {
        const m = lines[j].match(QUOTE);
        if (!m) break;
        if (inlines.length) inlines.push({ kind: "break" });
        inlines.push(...parseInline(m[1], starts[j] + lines[j].length - m[1].length));
        j += 1;
      }
      blocks.push({ kind: "quote", inlines });
      i = j - 1;
      continue;
    }
    const inl = parseInline(line, base);
    if (para) para.push({ kind: "break" }, ...inl);
    else para = inl;
  }
  endPara();
  return blocks;
}

/** Byte offsets of UTF-8 text (the server's marks) as string indexes. */
export function byteRangesToIndexes(text: string, ranges: readonly { start: number; end: number }[]): { start: number; end: number }[] {
  const bytes = new TextEncoder().encode(text);
  const decoder = new TextDecoder();
  const index = (b: number) => decoder.decode(bytes.slice(0, Math.max(0, Math.min(b, bytes.length)))).length;
  return ranges.map((r) => ({ start: index(r.start), end: index(r.end) })).filter((r) => r.end > r.start);
}

/** A text piece split where the marked ranges (string indexes into the source) cover it. */
export function markPieces(text: string, start: number, ranges: readonly { start: number; end: number }[]): { text: string; marked: boolean }[] {
  const end = start + text.length;
  const cuts = ranges.filter((r) => r.end > start && r.start < end).sort((a, b) => a.start - b.start);
  const out: { text: string; marked: boolean }[] = [];
  let at = start;
  for (const r of cuts) {
    const s = Math.max(r.start, at);
    const e = Math.min(r.end, end);
    if (e <= s) continue;
    if (s > at) out.push({ text: text.slice(at - start, s - start), marked: false });
    out.push({ text: text.slice(s - start, e - start), marked: true });
    at = e;
  }
  if (at < end) out.push({ text: text.slice(at - start), marked: false });
  return out;
}
