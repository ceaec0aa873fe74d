#include "modules/chat/message_text.h"

#include "core/errors.h"

#include <algorithm>
#include <cctype>

namespace tc::chat {
namespace {

bool is_username_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
}

bool is_word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

void push_unique(std::vector<std::string>& out, std::string value, std::size_t max) {
  if (out.size() >= max) return;
  if (std::find(out.begin(), out.end(), value) == out.end()) out.push_back(std::move(value));
}

std::string escape_html(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (char c : in) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

// Reads a cashtag symbol at text[i] (just after '$'); returns its length or 0.
std::size_t cashtag_at(std::string_view text, std::size_t i) {
  std::size_t n = 0;
  while (i + n < text.size() && std::isalpha(static_cast<unsigned char>(text[i + n])) && n <= 10) ++n;
  if (n == 0 || n > 10) return 0;
  std::size_t len = n;
  if (i + len + 1 < text.size() && text[i + len] == '.' &&
      std::isalpha(static_cast<unsigned char>(text[i + len + 1]))) {
    std::size_t m = 0;
    while (i + len + 1 + m < text.size() && std::isalpha(static_cast<unsigned char>(text[i + len + 1 + m])) && m <= 2)
      ++m;
    if (m <= 2)
      len += 1 + m;
    else
      return 0;
  }
  if (i + len < text.size() && is_word_char(text[i + len])) return 0;  // "$AAPL1", "$ABCDEFGHIJKL"
  return len;
}

bool cashtag_start(std::string_view text, std::size_t i) {
  return text[i] == '$' && (i == 0 || !is_word_char(text[i - 1])) && i + 1 < text.size();
}

std::string upper(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::toupper(c); });
  return out;
}

// Applies one inline marker pair (`**` → <strong>) to already escaped text, only when
// both ends are on the same line and enclose something.
std::string apply_pair(const std::string& in, std::string_view marker, std::string_view open, std::string_view close) {
  std::string out;
  std::size_t pos = 0;
  while (pos < in.size()) {
    auto start = in.find(marker, pos);
    if (start == std::string::npos) break;
    auto end = in.find(marker, start + marker.size());
    auto nl = in.find('\n', start);
    // As in markdown: the opening marker is not followed by a space, the closing one
    // not preceded by one ("2 * 3 * 4" stays text).
    const bool spaced = end != std::string::npos && end > start + marker.size() &&
                        (std::isspace(static_cast<unsigned char>(in[start + marker.size()])) ||
                         std::isspace(static_cast<unsigned char>(in[end - 1])));
    if (end == std::string::npos || end == start + marker.size() || spaced || (nl != std::string::npos && nl < end)) {
      out.append(in, pos, start + marker.size() - pos);
      pos = start + marker.size();
      continue;
    }
    out.append(in, pos, start - pos);
    out.append(open);
    out.append(in, start + marker.size(), end - start - marker.size());
    out.append(close);
    pos = end + marker.size();
  }
  out.append(in, pos, std::string::npos);
  return out;
}

std::string link_cashtags(const std::string& in) {
  std::string out;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (cashtag_start(in, i)) {
      if (auto len = cashtag_at(in, i + 1)) {
        auto symbol = upper(std::string_view(in).substr(i + 1, len));
        out.append("<a class=\"cashtag\" href=\"/markets/").append(symbol).append("\">$").append(symbol).append("</a>");
        i += len;
        continue;
      }
    }
    out += in[i];
  }
  return out;
}

}  // namespace

std::size_t utf8_length(std::string_view s) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) {
      n = 1;
      cp = c;
    } else if ((c & 0xE0) == 0xC0) {
      n = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 4;
      cp = c & 0x07;
    } else {
      return std::string_view::npos;
    }
    if (i + n > s.size()) return std::string_view::npos;
    for (std::size_t k = 1; k < n; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return std::string_view::npos;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return std::string_view::npos;
    }
    i += n;
    ++count;
  }
  return count;
}

void validate_message_text(std::string_view text) {
  const auto len = utf8_length(text);
  if (len == std::string_view::npos) throw errors::validation("field \"text\" must be valid UTF-8");
  if (len > kMaxMessageChars) {
    throw errors::validation("field \"text\" must have at most " + std::to_string(kMaxMessageChars) + " characters");
  }
  if (std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isspace(c); })) {
    throw errors::validation("field \"text\" must not be empty");
  }
  for (unsigned char c : text) {
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7F) {
      throw errors::validation("field \"text\" must not contain control characters");
    }
  }
}

std::vector<std::string> extract_mentions(std::string_view text) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '@' || (i > 0 && is_username_char(text[i - 1]))) continue;
    std::size_t n = 0;
    while (i + 1 + n < text.size() && is_username_char(text[i + 1 + n])) ++n;
    auto name = text.substr(i + 1, n);
    while (!name.empty() && (name.back() == '.' || name.back() == '-')) name.remove_suffix(1);
    if (name.size() >= 3 && name.size() <= 32) {
      std::string lower(name);
      std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
      push_unique(out, std::move(lower), kMaxMentions);
    }
    i += n;
  }
  return out;
}

std::vector<std::string> extract_cashtags(std::string_view text) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (!cashtag_start(text, i)) continue;
    if (auto len = cashtag_at(text, i + 1)) {
      push_unique(out, upper(text.substr(i + 1, len)), kMaxCashtags);
      i += len;
    }
  }
  return out;
}

std::string render_html(std::string_view text) {
  // Code spans first: nothing inside them is formatted or linked.
  std::string out;
  std::size_t pos = 0;
  auto format = [](std::string_view plain) {
    auto s = escape_html(plain);
    s = apply_pair(s, "**", "<strong>", "</strong>");
    s = apply_pair(s, "*", "<em>", "</em>");
    s = link_cashtags(s);
    std::string lines;
    for (char c : s) {
      if (c == '\n')
        lines += "<br>";
      else
        lines += c;
    }
    return lines;
  };
  while (pos < text.size()) {
    auto start = text.find('`', pos);
    auto end = start == std::string_view::npos ? start : text.find('`', start + 1);
    if (end == std::string_view::npos) break;
    out += format(text.substr(pos, start - pos));
    out += "<code>" + escape_html(text.substr(start + 1, end - start - 1)) + "</code>";
    pos = end + 1;
  }
  out += format(text.substr(pos));
  return out;
}

}  // namespace tc::chat
