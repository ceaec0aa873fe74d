// HTML to readable text for the fetcher: scripts, styles and other non-content
// elements dropped, block elements turned into line breaks, entities decoded,
// whitespace collapsed, and the <title> kept apart. Not a full HTML5 parser: a
// linear scan that is safe on any input (no recursion, output ≤ input + entities).
#pragma once

#include <string>
#include <string_view>

namespace tc::ai::tools {

struct HtmlText {
  std::string title;
  std::string text;
};

HtmlText html_to_text(std::string_view html);

// Decodes character references (&amp; &#39; &#x1F600; and the common named ones);
// unknown or malformed references stay as written.
std::string decode_entities(std::string_view s);

// ISO-8859-1 / windows-1252 bytes to UTF-8 (for pages that declare such a charset).
std::string latin1_to_utf8(std::string_view s);

}  // namespace tc::ai::tools
