// Message text as DOM nodes from linkify's segments: text nodes, <strong>, <em>,
// <code>, mention spans and cashtag links to the chart. No HTML strings.
import { h } from "../../ui/dom";
import { linkify } from "../../chat/linkify";

export function messageText(text: string, myUsername: string | undefined): DocumentFragment {
  const frag = document.createDocumentFragment();
  for (const s of linkify(text)) {
    switch (s.kind) {
      case "text":
        frag.append(document.createTextNode(s.text));
        break;
      case "break":
        frag.append(h("br"));
        break;
      case "code":
        frag.append(h("code", {}, s.text));
        break;
      case "bold":
        frag.append(h("strong", {}, s.text));
        break;
      case "italic":
        frag.append(h("em", {}, s.text));
        break;
      case "mention":
        frag.append(h("span", { class: s.username.toLowerCase() === myUsername?.toLowerCase() ? "mention mention-me" : "mention" }, s.text));
        break;
      case "cashtag":
        frag.append(h("a", { class: "cashtag", href: s.href, title: `Open the ${s.symbol} chart` }, s.text));
        break;
    }
  }
  return frag;
}
