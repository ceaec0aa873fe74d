// Markdown blocks as DOM nodes: text nodes and a fixed set of elements, links only to
// http(s) and opened without the opener; numbers the grounding check could not trace
// to a source are wrapped in <mark class="ungrounded">.
import { h } from "../../ui/dom";
import { markPieces, parseMarkdown, type Block, type Inline } from "../../ai/markdown";

type Ranges = readonly { start: number; end: number }[];

function inlines(list: readonly Inline[], ranges: Ranges): DocumentFragment {
  const frag = document.createDocumentFragment();
  for (const i of list) {
    switch (i.kind) {
      case "text":
        for (const p of markPieces(i.text, i.start, ranges)) {
          frag.append(p.marked ? h("mark", { class: "ungrounded", title: "Not found in the data the assistant used: check this number" }, p.text, h("span", { class: "visually-hidden" }, " (unverified number)")) : document.createTextNode(p.text));
        }
        break;
      case "code":
        frag.append(h("code", {}, i.text));
        break;
      case "strong":
        frag.append(h("strong", {}, inlines(i.children, ranges)));
        break;
      case "em":
        frag.append(h("em", {}, inlines(i.children, ranges)));
        break;
      case "link":
        frag.append(h("a", { href: i.href, target: "_blank", rel: "noopener noreferrer nofollow" }, inlines(i.children, ranges)));
        break;
      case "break":
        frag.append(h("br"));
        break;
    }
  }
  return frag;
}

function block(b: Block, ranges: Ranges): HTMLElement {
  switch (b.kind) {
    case "heading": {
      // Answers sit under the page's h1 and the conversation's h2.
      const level = Math.min(6, b.level + 2) as 3 | 4 | 5 | 6;
      return h(`h${level}`, {}, inlines(b.inlines, ranges));
    }
    case "paragraph":
      return h("p", {}, inlines(b.inlines, ranges));
    case "list": {
      const l = h(b.ordered ? "ol" : "ul", {});
      for (const item of b.items) l.append(h("li", {}, inlines(item, ranges)));
      return l;
    }
    case "code":
      return h("pre", { tabindex: "0" }, h("code", { "data-lang": b.lang || null }, b.text));
    case "quote":
      return h("blockquote", {}, inlines(b.inlines, ranges));
    case "table": {
      const head = h("tr", {}, ...b.header.map((c) => h("th", { scope: "col" }, inlines(c, ranges))));
      const body = h("tbody", {}, ...b.rows.map((r) => h("tr", {}, ...r.map((c) => h("td", {}, inlines(c, ranges))))));
      return h("div", { class: "table-wrap" }, h("table", { class: "data-table" }, h("thead", {}, head), body));
    }
    case "rule":
      return h("hr");
  }
}

export function markdownView(source: string, ranges: Ranges = []): HTMLElement {
  return h("div", { class: "markdown" }, ...parseMarkdown(source).map((b) => block(b, ranges)));
}
