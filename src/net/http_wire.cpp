#include "net/http_wire.h"

#include <fmt/format.h>

#include <chrono>
#include <ctime>

namespace tc::http {
namespace {

void append_clean(std::string& out, std::string_view value) {
  for (char c : value) out.push_back(c == '\r' || c == '\n' ? ' ' : c);
}

bool managed_header(std::string_view name) {
  auto eq = [&](std::string_view other) {
    if (name.size() != other.size()) return false;
    for (std::size_t i = 0; i < name.size(); ++i) {
      if (std::tolower(static_cast<unsigned char>(name[i])) != other[i]) return false;
    }
    return true;
  };
  return eq("content-length") || eq("connection") || eq("transfer-encoding") || eq("date");
}

}  // namespace

const std::string& http_date_now() {
  // A per-thread cache: formatting a date per response costs more than the rest of
  // the headers together.
  thread_local std::time_t cached_second = 0;
  thread_local std::string cached;
  std::time_t now = std::time(nullptr);
  if (now != cached_second) {
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    cached = buf;
    cached_second = now;
  }
  return cached;
}

std::string serialize_response(Response&& res, unsigned version, bool keep_alive, bool head) {
  const bool no_body = res.status == 204 || res.status == 304 || (res.status >= 100 && res.status < 200);
  std::string out;
  out.reserve(256 + res.headers.size() * 48 + (head || no_body ? 0 : res.body.size()));
  out += version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
  out += std::to_string(res.status);
  out.push_back(' ');
  out += reason_phrase(res.status);
  out += "\r\n";
  for (const auto& [name, value] : res.headers) {
    if (managed_header(name)) continue;
    append_clean(out, name);
    out += ": ";
    append_clean(out, value);
    out += "\r\n";
  }
  out += "Date: ";
  out += http_date_now();
  out += "\r\n";
  if (!no_body) {
    out += "Content-Length: ";
    out += std::to_string(res.body.size());
    out += "\r\n";
  }
  if (!keep_alive)
    out += "Connection: close\r\n";
  else if (version == 10)
    out += "Connection: keep-alive\r\n";
  out += "\r\n";
  if (!head && !no_body) out += res.body;
  return out;
}

}  // namespace tc::http
