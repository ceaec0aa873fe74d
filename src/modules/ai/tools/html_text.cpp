#include "modules/ai/tools/html_text.h"

#include <array>
#include <cstdint>

namespace tc::ai::tools {
namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

struct Named {
  std::string_view name;
  std::uint32_t cp;
};
constexpr std::array<Named, 32> kNamed{{
    {"amp", '&'},      {"lt", '<'},       {"gt", '>'},       {"quot", '"'},      {"apos", '\''},    {"nbsp", 0xA0},
    {"copy", 0xA9},    {"reg", 0xAE},     {"trade", 0x2122}, {"hellip", 0x2026}, {"mdash", 0x2014}, {"ndash", 0x2013},
    {"lsquo", 0x2018}, {"rsquo", 0x2019}, {"ldquo", 0x201C}, {"rdquo", 0x201D},  {"euro", 0x20AC},  {"pound", 0xA3},
    {"yen", 0xA5},     {"cent", 0xA2},    {"deg", 0xB0},     {"times", 0xD7},    {"divide", 0xF7},  {"middot", 0xB7},
    {"bull", 0x2022},  {"laquo", 0xAB},   {"raquo", 0xBB},   {"minus", 0x2212},  {"plusmn", 0xB1},  {"percnt", '%'},
    {"shy", 0xAD},     {"zwj", 0x200D},
}};

bool tag_is(std::string_view name, std::initializer_list<std::string_view> names) {
  for (auto n : names)
    if (name == n) return true;
  return false;
}

}  // namespace

std::string decode_entities(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    if (s[i] != '&') {
      out += s[i++];
      continue;
    }
    std::size_t semi = s.find(';', i + 1);
    if (semi == std::string_view::npos || semi - i > 12) {
      out += s[i++];
      continue;
    }
    std::string_view ref = s.substr(i + 1, semi - i - 1);
    bool done = false;
    if (!ref.empty() && ref[0] == '#') {
      std::uint32_t cp = 0;
      bool hex = ref.size() > 1 && (ref[1] == 'x' || ref[1] == 'X');
      std::string_view digits = ref.substr(hex ? 2 : 1);
      bool ok = !digits.empty() && digits.size() <= 8;
      for (char c : digits) {
        int d = -1;
        if (c >= '0' && c <= '9')
          d = c - '0';
        else if (hex && lower(c) >= 'a' && lower(c) <= 'f')
          d = lower(c) - 'a' + 10;
        if (d < 0)
          ok = false;
        else
          cp = cp * (hex ? 16 : 10) + static_cast<std::uint32_t>(d);
      }
      if (ok) {
        append_utf8(out, cp);
        done = true;
      }
    } else {
      for (const auto& n : kNamed) {
        if (n.name == ref) {
          append_utf8(out, n.cp);
          done = true;
          break;
        }
      }
    }
    if (done) {
      i = semi + 1;
    } else {
      out += s[i++];
    }
  }
  return out;
}

std::string latin1_to_utf8(std::string_view s) {
  // windows-1252's 0x80–0x9F printable characters; the rest is ISO-8859-1.
  static constexpr std::array<std::uint16_t, 32> cp1252{0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                                        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
                                                        0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                                        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178};
  std::string out;
  out.reserve(s.size() + s.size() / 4);
  for (unsigned char c : s) {
    if (c < 0x80)
      out += static_cast<char>(c);
    else if (c < 0xA0)
      append_utf8(out, cp1252[c - 0x80]);
    else
      append_utf8(out, c);
  }
  return out;
}

HtmlText html_to_text(std::string_view html) {
  HtmlText result;
  std::string raw;  // text with tags removed, entities still encoded
  raw.reserve(html.size() / 2);
  std::string title_raw;
  bool in_title = false;
  std::size_t i = 0;
  auto skip_until_close = [&](std::string_view name) {
    // Skips raw-text content up to </name …>, case-insensitively.
    while (i < html.size()) {
      std::size_t lt = html.find("</", i);
      if (lt == std::string_view::npos) {
        i = html.size();
        return;
      }
      std::size_t k = 0;
      while (k < name.size() && lt + 2 + k < html.size() && lower(html[lt + 2 + k]) == name[k]) ++k;
      if (k == name.size()) {
        std::size_t gt = html.find('>', lt);
        i = gt == std::string_view::npos ? html.size() : gt + 1;
        return;
      }
      i = lt + 2;
    }
  };
  while (i < html.size()) {
    char c = html[i];
    if (c != '<') {
      (in_title ? title_raw : raw) += c;
      ++i;
      continue;
    }
    if (html.substr(i, 4) == "<!--") {
      std::size_t end = html.find("-->", i + 4);
      i = end == std::string_view::npos ? html.size() : end + 3;
      continue;
    }
    if (i + 1 < html.size() && (html[i + 1] == '!' || html[i + 1] == '?')) {  // doctype, processing instruction
      std::size_t end = html.find('>', i);
      i = end == std::string_view::npos ? html.size() : end + 1;
      continue;
    }
    bool closing = i + 1 < html.size() && html[i + 1] == '/';
    std::size_t n = i + (closing ? 2 : 1);
    std::string name;
    while (n < html.size() && name.size() < 16 &&
           ((html[n] >= 'a' && html[n] <= 'z') || (html[n] >= 'A' && html[n] <= 'Z') ||
            (html[n] >= '0' && html[n] <= '9')))
      name += lower(html[n++]);
    if (name.empty()) {  // a lone '<' in text
      (in_title ? title_raw : raw) += c;
      ++i;
      continue;
    }
    // The end of the tag, skipping quoted attribute values (which may hold '>').
    char quote = 0;
    while (n < html.size() && (quote || html[n] != '>')) {
      if (quote && html[n] == quote)
        quote = 0;
      else if (!quote && (html[n] == '"' || html[n] == '\''))
        quote = html[n];
      ++n;
    }
    if (n >= html.size()) {  // no '>' anywhere after it: a '<' in text, not a tag
      (in_title ? title_raw : raw) += c;
      ++i;
      continue;
    }
    i = n + 1;
    if (!closing && tag_is(name, {"script", "style", "noscript", "template", "svg", "iframe", "object", "canvas"})) {
      skip_until_close(name);
      continue;
    }
    if (name == "title") {
      in_title = !closing;
      continue;
    }
    if (tag_is(name, {"br",      "p",       "div",    "li",         "ul",   "ol",     "tr",   "table",
                      "section", "article", "header", "footer",     "nav",  "aside",  "main", "blockquote",
                      "pre",     "h1",      "h2",     "h3",         "h4",   "h5",     "h6",   "hr",
                      "dt",      "dd",      "figure", "figcaption", "form", "address"}))
      raw += '\n';
    else if (tag_is(name, {"td", "th"}))
      raw += ' ';
  }

  // Decode, then collapse: runs of spaces to one, runs of line breaks to one.
  auto collapse = [](const std::string& in, bool keep_lines) {
    std::string out;
    out.reserve(in.size());
    int newlines = 0;
    bool space = false;
    for (std::size_t k = 0; k < in.size(); ++k) {
      unsigned char ch = static_cast<unsigned char>(in[k]);
      bool nbsp = ch == 0xC2 && k + 1 < in.size() && static_cast<unsigned char>(in[k + 1]) == 0xA0;
      if (ch == '\n' && keep_lines) {
        ++newlines;
        space = false;
        continue;
      }
      if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\f' || ch == '\v' || ch == '\n' || nbsp) {
        if (nbsp) ++k;
        space = true;
        continue;
      }
      if (!out.empty()) {
        if (newlines > 0)
          out += '\n';
        else if (space)
          out += ' ';
      }
      newlines = 0;
      space = false;
      out += static_cast<char>(ch);
    }
    return out;
  };
  result.text = collapse(decode_entities(raw), true);
  result.title = collapse(decode_entities(title_raw), false);
  return result;
}

}  // namespace tc::ai::tools
