#include "modules/ai/tools/csv_analysis.h"

#include "core/errors.h"
#include "modules/ai/tools/file_analyzer.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <map>

namespace tc::ai::tools {
namespace {

[[noreturn]] void malformed(const std::string& detail) { throw Error(422, "malformed-file", "Malformed file", detail); }

constexpr std::size_t kMaxColumns = 256;
constexpr std::size_t kMaxCellBytes = 200;  // in sample rows and min/max of text

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string cut(std::string_view s) {
  if (s.size() <= kMaxCellBytes) return std::string(s);
  std::size_t n = kMaxCellBytes;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return std::string(s.substr(0, n)) + "…";
}

// A number as CSV files write them: sign, digits, one decimal point (a comma when
// the delimiter is ';' and there is no point), exponent. No thousands separators:
// "1,234" in a comma file is two cells anyway.
std::optional<double> parse_number(std::string_view s, char delimiter, bool* integer) {
  s = trim(s);
  if (s.empty() || s.size() > 64) return std::nullopt;
  std::string t(s);
  if (delimiter == ';' && t.find('.') == std::string::npos) std::replace(t.begin(), t.end(), ',', '.');
  std::size_t i = 0;
  if (t[i] == '-' || t[i] == '+') ++i;
  std::size_t digits = 0;
  bool point = false, exponent = false;
  for (; i < t.size(); ++i) {
    char c = t[i];
    if (c >= '0' && c <= '9') {
      ++digits;
    } else if (c == '.' && !point && !exponent) {
      point = true;
    } else if ((c == 'e' || c == 'E') && digits > 0 && !exponent) {
      exponent = true;
      if (i + 1 < t.size() && (t[i + 1] == '-' || t[i + 1] == '+')) ++i;
      if (i + 1 >= t.size()) return std::nullopt;
    } else {
      return std::nullopt;
    }
  }
  if (digits == 0) return std::nullopt;
  double v = std::strtod(t.c_str(), nullptr);
  if (!std::isfinite(v)) return std::nullopt;
  *integer = !point && !exponent;
  return v;
}

// YYYY-MM-DD, optionally followed by [T ]HH:MM[:SS[.fff]][Z|±hh:mm]; or YYYY/MM/DD.
bool is_date(std::string_view s) {
  s = trim(s);
  if (s.size() < 10 || s.size() > 35) return false;
  auto d = [&](std::size_t k) { return s[k] >= '0' && s[k] <= '9'; };
  if (!(d(0) && d(1) && d(2) && d(3) && (s[4] == '-' || s[4] == '/') && d(5) && d(6) && s[7] == s[4] && d(8) && d(9)))
    return false;
  int month = (s[5] - '0') * 10 + (s[6] - '0'), day = (s[8] - '0') * 10 + (s[9] - '0');
  if (month < 1 || month > 12 || day < 1 || day > 31) return false;
  if (s.size() == 10) return true;
  if (s[10] != 'T' && s[10] != ' ') return false;
  return s.size() >= 16 && d(11) && d(12) && s[13] == ':' && d(14) && d(15);
}

enum class Kind { empty, integer, number, date, text };

struct Column {
  std::string name;
  std::size_t non_empty = 0, integers = 0, numbers = 0, dates = 0;
  double min = 0, max = 0, sum = 0;
  std::string min_text, max_text;  // dates (ISO strings order like time)
  Kind kind() const {
    if (non_empty == 0) return Kind::empty;
    if (integers == non_empty) return Kind::integer;
    if (numbers == non_empty) return Kind::number;
    if (dates == non_empty) return Kind::date;
    return Kind::text;
  }
};

std::string_view kind_name(Kind k) {
  switch (k) {
    case Kind::empty: return "empty";
    case Kind::integer: return "integer";
    case Kind::number: return "number";
    case Kind::date: return "date";
    case Kind::text: return "text";
  }
  return "text";
}

bool cell_is_numeric(std::string_view s, char delimiter) {
  bool integer = false;
  return parse_number(s, delimiter, &integer).has_value() || is_date(s);
}

}  // namespace

std::vector<std::vector<std::string>> parse_csv(std::string_view text, char delimiter, std::size_t max_rows,
                                                bool* truncated, bool lenient) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string cell;
  bool quoted = false, in_quotes = false, any = false;
  *truncated = false;
  std::size_t quote_start = 0;
  auto end_cell = [&] {
    if (row.size() < kMaxColumns) row.push_back(std::move(cell));
    cell.clear();
    quoted = false;
  };
  auto end_row = [&] {
    end_cell();
    // A blank line is not a row.
    if (!(row.size() == 1 && row[0].empty())) rows.push_back(std::move(row));
    row.clear();
    any = false;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          cell += '"';
          ++i;
        } else {
          in_quotes = false;
        }
      } else {
        cell += c;
      }
      continue;
    }
    if (c == '"' && !quoted && trim(cell).empty()) {
      cell.clear();
      in_quotes = quoted = true;
      quote_start = i;
      any = true;
    } else if (c == delimiter) {
      end_cell();
      any = true;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      end_row();
      if (rows.size() >= max_rows) {
        *truncated = text.find_first_not_of("\r\n", i + 1) != std::string_view::npos;
        return rows;
      }
    } else {
      cell += c;  // characters after a closing quote are kept as written
      any = true;
    }
  }
  if (in_quotes && !lenient) malformed("unterminated quoted field starting at byte " + std::to_string(quote_start));
  if (any || !cell.empty() || !row.empty()) end_row();
  return rows;
}

std::optional<char> sniff_delimiter(std::string_view text) {
  std::string_view sample = text.substr(0, 64u << 10);
  std::optional<char> best;
  std::size_t best_columns = 0;
  for (char d : {',', ';', '\t', '|'}) {
    bool truncated = false;
    auto rows = parse_csv(sample, d, 50, &truncated, /*lenient=*/true);
    if (rows.empty()) continue;
    std::map<std::size_t, std::size_t> widths;
    for (const auto& r : rows) ++widths[r.size()];
    auto mode = std::max_element(widths.begin(), widths.end(),
                                 [](const auto& a, const auto& b) { return a.second < b.second; });
    // Nearly every line (all but one in ten; the last sampled line may be cut) has the same width ≥ 2.
    if (mode->first >= 2 && mode->second * 10 >= rows.size() * 9 && mode->first > best_columns) {
      best = d;
      best_columns = mode->first;
    }
  }
  return best;
}

boost::json::object analyze_csv(std::string_view text, char delimiter) {
  bool truncated = false;
  auto rows = parse_csv(text, delimiter, kMaxCsvRows + 1, &truncated);
  if (rows.empty()) malformed("the file has no rows");
  std::size_t width = 0;
  for (const auto& r : rows) width = std::max(width, r.size());

  // A header: some column whose first cell is text while the cells below are mostly
  // numbers or dates; or, when every column is text, a first row of distinct names.
  bool has_header = false;
  if (rows.size() >= 2) {
    bool all_text = true;
    for (std::size_t c = 0; c < width; ++c) {
      std::size_t numeric = 0, filled = 0;
      for (std::size_t r = 1; r < rows.size() && r < 200; ++r) {
        if (c >= rows[r].size() || trim(rows[r][c]).empty()) continue;
        ++filled;
        numeric += cell_is_numeric(rows[r][c], delimiter) ? 1 : 0;
      }
      bool first_text = c < rows[0].size() && !trim(rows[0][c]).empty() && !cell_is_numeric(rows[0][c], delimiter);
      if (numeric > 0) all_text = false;
      if (first_text && filled > 0 && numeric * 10 >= filled * 8) has_header = true;
    }
    if (!has_header && all_text) {
      std::vector<std::string> names;
      for (const auto& cell : rows[0]) names.push_back(lower(trim(cell)));
      auto sorted = names;
      std::sort(sorted.begin(), sorted.end());
      bool distinct = std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end();
      bool filled = std::none_of(names.begin(), names.end(), [](const std::string& n) { return n.empty(); });
      has_header = distinct && filled;
    }
  }
  std::size_t first_data = has_header ? 1 : 0;
  std::size_t data_rows = rows.size() - first_data;
  if (data_rows > kMaxCsvRows) {
    data_rows = kMaxCsvRows;
    truncated = true;
  }

  std::vector<Column> columns(width);
  for (std::size_t c = 0; c < width; ++c)
    columns[c].name = has_header && c < rows[0].size() ? cut(trim(rows[0][c])) : "column_" + std::to_string(c + 1);
  std::size_t ragged = 0;
  for (std::size_t r = first_data; r < first_data + data_rows; ++r) {
    const auto& row = rows[r];
    if (row.size() != width) ++ragged;
    for (std::size_t c = 0; c < row.size(); ++c) {
      std::string_view cell = trim(row[c]);
      if (cell.empty()) continue;
      Column& col = columns[c];
      ++col.non_empty;
      bool integer = false;
      if (auto v = parse_number(cell, delimiter, &integer)) {
        bool first = col.numbers == 0;
        ++col.numbers;
        col.integers += integer ? 1 : 0;
        col.min = first ? *v : std::min(col.min, *v);
        col.max = first ? *v : std::max(col.max, *v);
        col.sum += *v;
      } else if (is_date(cell)) {
        bool first = col.dates == 0;
        ++col.dates;
        std::string s(cell);
        if (first || s < col.min_text) col.min_text = s;
        if (first || s > col.max_text) col.max_text = s;
      }
    }
  }

  boost::json::object out;
  out["kind"] = "csv";
  out["delimiter"] = std::string(1, delimiter);
  out["has_header"] = has_header;
  out["row_count"] = data_rows;
  out["truncated"] = truncated;
  out["ragged_rows"] = ragged;
  boost::json::array cols;
  for (const auto& col : columns) {
    boost::json::object o;
    Kind k = col.kind();
    o["name"] = col.name;
    o["type"] = kind_name(k);
    o["non_empty"] = col.non_empty;
    if (k == Kind::integer || k == Kind::number) {
      o["min"] = col.min;
      o["max"] = col.max;
      o["mean"] = col.sum / static_cast<double>(col.numbers);
    } else if (k == Kind::date) {
      o["min"] = col.min_text;
      o["max"] = col.max_text;
    }
    cols.push_back(std::move(o));
  }
  out["columns"] = std::move(cols);
  boost::json::array sample;
  for (std::size_t r = first_data; r < rows.size() && r < first_data + kCsvSampleRows; ++r) {
    boost::json::array row;
    for (const auto& cell : rows[r]) row.push_back(boost::json::string(cut(cell)));
    sample.push_back(std::move(row));
  }
  out["sample_rows"] = std::move(sample);

  // OHLCV: named columns (open/high/low/close, volume optional, a time column) that
  // are numeric; rows whose low/high do not bracket open and close are counted.
  auto find = [&](std::initializer_list<std::string_view> names) -> std::optional<std::size_t> {
    for (std::size_t c = 0; c < columns.size(); ++c) {
      std::string n = lower(columns[c].name);
      for (auto want : names)
        if (n == want) return c;
    }
    return std::nullopt;
  };
  auto numeric = [&](std::optional<std::size_t> c) {
    return c && (columns[*c].kind() == Kind::number || columns[*c].kind() == Kind::integer);
  };
  auto o = find({"open", "o", "open price"}), h = find({"high", "h", "high price"}),
       l = find({"low", "l", "low price"}), cl = find({"close", "c", "close price", "adj close", "price"});
  auto v = find({"volume", "vol", "v", "base volume"});
  auto t = find({"time", "timestamp", "date", "datetime", "open time", "open_time", "ts"});
  if (has_header && numeric(o) && numeric(h) && numeric(l) && numeric(cl)) {
    boost::json::object x;
    x["open"] = columns[*o].name;
    x["high"] = columns[*h].name;
    x["low"] = columns[*l].name;
    x["close"] = columns[*cl].name;
    x["volume"] = numeric(v) ? boost::json::value(columns[*v].name) : boost::json::value(nullptr);
    x["time"] = t ? boost::json::value(columns[*t].name) : boost::json::value(nullptr);
    std::size_t inconsistent = 0;
    std::optional<double> first_close, last_close;
    for (std::size_t r = first_data; r < first_data + data_rows; ++r) {
      const auto& row = rows[r];
      auto get = [&](std::size_t c) -> std::optional<double> {
        bool integer = false;
        return c < row.size() ? parse_number(row[c], delimiter, &integer) : std::nullopt;
      };
      auto ov = get(*o), hv = get(*h), lv = get(*l), cv = get(*cl);
      if (!ov || !hv || !lv || !cv) continue;
      if (*lv > *hv || *ov > *hv || *ov < *lv || *cv > *hv || *cv < *lv) ++inconsistent;
      if (!first_close) first_close = cv;
      last_close = cv;
    }
    x["inconsistent_rows"] = inconsistent;
    if (first_close) {
      x["first_close"] = *first_close;
      x["last_close"] = *last_close;
      if (*first_close != 0) x["change_pct"] = (*last_close - *first_close) / *first_close * 100;
    }
    out["ohlcv"] = std::move(x);
  } else {
    out["ohlcv"] = nullptr;
  }
  return out;
}

}  // namespace tc::ai::tools
