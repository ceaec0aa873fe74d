#include "modules/alerts/time_zone.h"

#include <fstream>
#include <iterator>
#include <vector>

namespace tc::alerts {
namespace {

bool safe_name(const std::string& zone) {
  if (zone.empty() || zone.size() > 64 || zone.front() == '/' || zone.find("..") != std::string::npos) return false;
  for (char c : zone) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '/' ||
                    c == '_' || c == '-' || c == '+';
    if (!ok) return false;
  }
  return true;
}

std::optional<std::string> read_file(const std::string& zone, const std::string& dir) {
  if (!safe_name(zone)) return std::nullopt;
  std::ifstream in(dir + "/" + zone, std::ios::binary);
  if (!in) return std::nullopt;
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.size() < 44 || bytes.compare(0, 4, "TZif") != 0) return std::nullopt;
  return bytes;
}

std::int64_t be(const std::string& b, std::size_t at, std::size_t n) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < n; ++i) v = (v << 8) | static_cast<unsigned char>(b[at + i]);
  if (n == 4) return static_cast<std::int32_t>(static_cast<std::uint32_t>(v));
  return static_cast<std::int64_t>(v);
}

struct Counts {
  std::int64_t isut, isstd, leap, time, type, chars;
};

Counts counts_at(const std::string& b, std::size_t at) {
  return {be(b, at + 20, 4), be(b, at + 24, 4), be(b, at + 28, 4),
          be(b, at + 32, 4), be(b, at + 36, 4), be(b, at + 40, 4)};
}

}  // namespace

bool is_known_time_zone(const std::string& zone, const std::string& zoneinfo_dir) {
  return utc_offset_seconds(zone, 0, zoneinfo_dir).has_value();
}

std::optional<std::int64_t> utc_offset_seconds(const std::string& zone, std::int64_t utc_seconds,
                                               const std::string& zoneinfo_dir) {
  auto file = read_file(zone, zoneinfo_dir);
  if (!file) return std::nullopt;
  const std::string& b = *file;
  // Version 2+ files repeat the data with 64-bit times after the version 1 block.
  auto c = counts_at(b, 0);
  std::size_t at = 44;
  std::size_t time_size = 4;
  if (b[4] >= '2') {
    at += static_cast<std::size_t>(c.time * 4 + c.time + c.type * 6 + c.chars + c.leap * 8 + c.isstd + c.isut);
    if (b.size() < at + 44 || b.compare(at, 4, "TZif") != 0) return std::nullopt;
    c = counts_at(b, at);
    at += 44;
    time_size = 8;
  }
  const auto times = static_cast<std::size_t>(c.time);
  const auto types = static_cast<std::size_t>(c.type);
  if (types == 0 || b.size() < at + times * time_size + times + types * 6) return std::nullopt;
  const std::size_t idx_at = at + times * time_size;
  const std::size_t type_at = idx_at + times;
  // The last transition at or before the time; before the first, the first type.
  std::size_t type = 0;
  for (std::size_t i = 0; i < times; ++i) {
    if (be(b, at + i * time_size, time_size) > utc_seconds) break;
    type = static_cast<unsigned char>(b[idx_at + i]);
  }
  if (type >= types) return std::nullopt;
  return be(b, type_at + type * 6, 4);
}

}  // namespace tc::alerts
