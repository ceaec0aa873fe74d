// The CSV half of the file analyzer: RFC 4180 parsing (quoted fields, doubled
// quotes, line breaks inside quotes, CRLF), delimiter sniffing over , ; TAB |,
// header detection, per-column types and statistics, OHLCV detection.
#pragma once

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tc::ai::tools {

// The delimiter the sample looks like, or nullopt when no candidate gives two or
// more columns on nearly every line (the text is not delimited data).
std::optional<char> sniff_delimiter(std::string_view text);

// Rows of `text` split on `delimiter`, at most `max_rows` (the rest is left unread;
// `*truncated` says so). Throws tc::Error 422 "malformed-file" for an unterminated
// quoted field, unless `lenient` (sniffing a sample that may end inside one).
std::vector<std::vector<std::string>> parse_csv(std::string_view text, char delimiter, std::size_t max_rows,
                                                bool* truncated, bool lenient = false);

// The summary documented in file_analyzer.h, without "filename"/"declared_type".
boost::json::object analyze_csv(std::string_view text, char delimiter);

}  // namespace tc::ai::tools
