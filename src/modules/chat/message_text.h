// What a chat message's text means, apart from storage: validation (length, no
// control characters), the @mentions and $CASHTAGS it names, and the sanitized HTML
// of the safe markdown subset clients may show. Pure functions, unit-tested.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace tc::chat {

inline constexpr std::size_t kMaxMessageChars = 4000;                  // Unicode code points
inline constexpr std::size_t kMaxMessageBytes = 4 * kMaxMessageChars;  // the UTF-8 bound of that
inline constexpr std::size_t kMaxMentions = 50;
inline constexpr std::size_t kMaxCashtags = 50;

// Throws a 422 tc::Error when the text is empty (after trimming), longer than
// kMaxMessageChars code points, not valid UTF-8, or holds control characters other
// than newline and tab.
void validate_message_text(std::string_view text);

// Counts code points of valid UTF-8; npos when the bytes are not valid UTF-8.
std::size_t utf8_length(std::string_view text);

// "@alice" → "alice" (usernames: 3..32 of [A-Za-z0-9_.-], lower-cased, a trailing '.'
// or '-' is punctuation). Not inside words (an e-mail address is no mention). Unique,
// in order of first appearance, at most kMaxMentions.
std::vector<std::string> extract_mentions(std::string_view text);

// "$AAPL" / "$brk.b" → "AAPL" / "BRK.B" (1..10 letters, optionally '.' and 1..2 more;
// upper-cased). "$5" and "US$" are no cashtags. Unique, in order, at most kMaxCashtags.
std::vector<std::string> extract_cashtags(std::string_view text);

// The safe markdown subset as HTML: everything is escaped first, then `code`,
// **bold**, *italic*, line breaks, and cashtags linked to /markets/<SYMBOL>. No raw
// HTML, links or images from the text survive.
std::string render_html(std::string_view text);

}  // namespace tc::chat
