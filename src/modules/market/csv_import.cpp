#include "modules/market/csv_import.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cmath>
#include <optional>

namespace tc::market {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  return s;
}

std::vector<std::string_view> split(std::string_view line, char delimiter) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (;;) {
    const auto pos = line.find(delimiter, start);
    out.push_back(trim(line.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start)));
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  return out;
}

std::optional<double> number(std::string_view s) {
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty() || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::optional<int> digits(std::string_view s, std::size_t pos, std::size_t n) {
  if (pos + n > s.size()) return std::nullopt;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return std::nullopt;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

struct ParsedTime {
  std::int64_t ms = 0;
  bool date_only = false;
};

// Unix s/ms/µs by digit count, or ISO 8601 in UTC unless an offset is given.
std::optional<ParsedTime> parse_time(std::string_view s) {
  if (!s.empty() &&
      std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
    std::int64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc()) return std::nullopt;
    if (s.size() <= 11) return ParsedTime{v * 1000};
    if (s.size() <= 14) return ParsedTime{v};
    if (s.size() <= 17) return ParsedTime{v / 1000};
    return std::nullopt;
  }
  const auto y = digits(s, 0, 4), mo = digits(s, 5, 2), d = digits(s, 8, 2);
  if (!y || !mo || !d || s.size() < 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  using namespace std::chrono;
  const year_month_day ymd{year{*y}, month{static_cast<unsigned>(*mo)}, day{static_cast<unsigned>(*d)}};
  if (!ymd.ok()) return std::nullopt;
  std::int64_t ms = duration_cast<milliseconds>(sys_days(ymd).time_since_epoch()).count();
  if (s.size() == 10) return ParsedTime{ms, true};
  if (s[10] != 'T' && s[10] != ' ') return std::nullopt;
  const auto hh = digits(s, 11, 2), mm = digits(s, 14, 2);
  if (!hh || !mm || s.size() < 16 || s[13] != ':' || *hh > 23 || *mm > 59) return std::nullopt;
  ms += (*hh * 60LL + *mm) * 60'000;
  std::size_t pos = 16;
  if (pos < s.size() && s[pos] == ':') {
    const auto ss = digits(s, pos + 1, 2);
    if (!ss || *ss > 59) return std::nullopt;
    ms += *ss * 1000LL;
    pos += 3;
    if (pos < s.size() && s[pos] == '.') {
      ++pos;
      std::int64_t frac = 0, scale = 1000;
      while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
        if (scale > 1) {
          frac = frac * 10 + (s[pos] - '0');
          scale /= 10;
        }
        ++pos;
      }
      ms += frac * scale;
    }
  }
  if (pos == s.size() || (s[pos] == 'Z' && pos + 1 == s.size())) return ParsedTime{ms};
  if ((s[pos] == '+' || s[pos] == '-') && s.size() == pos + 6 && s[pos + 3] == ':') {
    const auto oh = digits(s, pos + 1, 2), om = digits(s, pos + 4, 2);
    if (!oh || !om) return std::nullopt;
    const std::int64_t off = (*oh * 60LL + *om) * 60'000;
    return ParsedTime{s[pos] == '+' ? ms - off : ms + off};
  }
  return std::nullopt;
}

constexpr std::int64_t kLatestMs = 4'102'444'800'000;  // 2100-01-01T00:00:00Z

enum Col : std::size_t { kTime, kOpen, kHigh, kLow, kClose, kVolume, kCols };
constexpr std::array<std::string_view, kCols> kColNames{"time", "open", "high", "low", "close", "volume"};

std::optional<std::size_t> column_kind(const std::string& name) {
  static const std::array<std::vector<std::string_view>, kCols> aliases{{
      {"time", "timestamp", "date", "datetime", "date/time", "time_ms", "open_time", "open time", "unix", "t"},
      {"open", "o"},
      {"high", "h"},
      {"low", "l"},
      {"close", "c", "close/last"},
      {"volume", "vol", "v"},
  }};
  for (std::size_t k = 0; k < kCols; ++k) {
    if (std::find(aliases[k].begin(), aliases[k].end(), name) != aliases[k].end()) return k;
  }
  return std::nullopt;
}

}  // namespace

CsvImport parse_ohlcv_csv(std::string_view text, Timeframe tf, CalendarKind calendar, std::size_t max_errors) {
  CsvImport out;
  auto fail = [&](std::size_t line, std::string column, std::string message) {
    ++out.error_count;
    if (out.errors.size() < max_errors) out.errors.push_back({line, std::move(column), std::move(message)});
  };
  // Lines, keeping their numbers.
  std::vector<std::pair<std::size_t, std::string_view>> lines;
  std::size_t number_of_line = 0;
  for (std::size_t start = 0; start <= text.size();) {
    const auto nl = text.find('\n', start);
    const auto line = text.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
    ++number_of_line;
    if (!trim(line).empty()) lines.emplace_back(number_of_line, line);
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  if (lines.empty()) {
    fail(1, "", "the file is empty");
    return out;
  }
  const auto first = lines.front().second;
  const char delimiter = first.find(',') != std::string_view::npos   ? ','
                         : first.find(';') != std::string_view::npos ? ';'
                                                                     : '\t';
  std::array<std::optional<std::size_t>, kCols> at{};
  std::array<std::string, kCols> header_name;
  std::size_t data_from = 0;
  const auto head = split(first, delimiter);
  if (!head.empty() && number(head[0])) {
    // No header: Binance klines (open time, open, high, low, close, volume, …).
    for (std::size_t k = 0; k < kCols; ++k) {
      at[k] = k;
      header_name[k] = fmt::format("{} (column {})", kColNames[k], k + 1);
    }
  } else {
    for (std::size_t i = 0; i < head.size(); ++i) {
      auto kind = column_kind(lower(head[i]));
      if (kind && !at[*kind]) {
        at[*kind] = i;
        header_name[*kind] = std::string(head[i]);
      }
    }
    for (std::size_t k = 0; k < kVolume; ++k) {
      if (!at[k]) fail(lines.front().first, std::string(kColNames[k]), "missing column");
    }
    if (out.error_count) return out;
    data_from = 1;
  }
  if (lines.size() - data_from > kMaxCsvRows) {
    fail(lines[data_from + kMaxCsvRows].first, "", fmt::format("too many rows: at most {}", kMaxCsvRows));
    return out;
  }
  CandleSeries aligner(tf, calendar, 1);
  std::int64_t previous = INT64_MIN;
  std::size_t previous_line = 0;
  std::vector<Candle> candles;
  candles.reserve(lines.size() - data_from);
  std::size_t needed = 0;
  for (std::size_t k = 0; k < kCols; ++k) {
    if (at[k]) needed = std::max(needed, *at[k] + 1);
  }
  for (std::size_t li = data_from; li < lines.size(); ++li) {
    const auto [line_no, line] = lines[li];
    const auto fields = split(line, delimiter);
    if (fields.size() < needed) {
      fail(line_no, "", fmt::format("expected at least {} fields, found {}", needed, fields.size()));
      continue;
    }
    const std::size_t errors_before = out.error_count;
    Candle c;
    bool time_ok = false;
    const auto t = parse_time(fields[*at[kTime]]);
    if (!t) {
      fail(line_no, header_name[kTime],
           fmt::format("\"{}\" is not a time (Unix seconds/ms or ISO 8601)", fields[*at[kTime]].substr(0, 40)));
    } else {
      c.time_ms = t->ms;
      if (t->date_only && tf == Timeframe::d1) c.time_ms = trading_day_start(calendar, t->ms + 12 * 3'600'000LL);
      if (c.time_ms < 0 || c.time_ms > kLatestMs) {
        fail(line_no, header_name[kTime], "outside 1970-01-01 to 2100-01-01");
      } else if (aligner.bucket_of(c.time_ms) != c.time_ms) {
        fail(line_no, header_name[kTime], fmt::format("not the start of a {} candle", name(tf)));
      } else if (c.time_ms <= previous) {
        fail(line_no, header_name[kTime],
             fmt::format("{} the row on line {}", c.time_ms == previous ? "same time as" : "earlier than",
                         previous_line));
      } else {
        time_ok = true;
      }
    }
    std::array<double, kCols> v{};
    for (std::size_t k = kOpen; k < kCols; ++k) {
      if (!at[k]) continue;
      const auto n = number(fields[*at[k]]);
      if (!n) {
        fail(line_no, header_name[k], fmt::format("\"{}\" is not a number", fields[*at[k]].substr(0, 40)));
      } else if (*n < 0 || (k != kVolume && *n == 0)) {
        fail(line_no, header_name[k], k == kVolume ? "must not be negative" : "must be positive");
      } else {
        v[k] = *n;
      }
    }
    if (out.error_count == errors_before) {
      c.open = v[kOpen];
      c.high = v[kHigh];
      c.low = v[kLow];
      c.close = v[kClose];
      c.volume = v[kVolume];
      if (c.high < std::max({c.open, c.close, c.low})) {
        fail(line_no, header_name[kHigh], "high is below the open, close or low");
      } else if (c.low > std::min(c.open, c.close)) {
        fail(line_no, header_name[kLow], "low is above the open or close");
      } else {
        candles.push_back(c);
      }
    }
    if (time_ok) {
      previous = c.time_ms;
      previous_line = line_no;
    }
  }
  if (out.error_count == 0 && candles.empty()) fail(lines.front().first, "", "no rows after the header");
  if (out.error_count == 0) out.candles = std::move(candles);
  return out;
}

}  // namespace tc::market
