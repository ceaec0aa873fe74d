// UTC offsets of IANA time zones, read from the system's TZif files
// (/usr/share/zoneinfo, RFC 8536). libstdc++ 12 has no std::chrono::tzdb and
// glibc's localtime_r works on one process-wide zone, so quiet hours read the
// zone's transition table themselves.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace tc::alerts {

// True for names like "Europe/Berlin", "UTC", "America/Argentina/Buenos_Aires"
// that exist under `zoneinfo_dir`.
bool is_known_time_zone(const std::string& zone, const std::string& zoneinfo_dir = "/usr/share/zoneinfo");
// The zone's offset from UTC in seconds at `utc_seconds`; nullopt for an unknown
// zone or an unreadable file.
std::optional<std::int64_t> utc_offset_seconds(const std::string& zone, std::int64_t utc_seconds,
                                               const std::string& zoneinfo_dir = "/usr/share/zoneinfo");

}  // namespace tc::alerts
