#include "modules/ai/tools/fetch_target.h"

#include "core/errors.h"

#include <algorithm>
#include <array>
#include <cstdlib>

namespace tc::ai::tools {
namespace {

namespace ip = boost::asio::ip;

[[noreturn]] void refuse(const std::string& detail) { throw Error(403, "fetch-refused", "Fetch refused", detail); }
[[noreturn]] void malformed(const std::string& detail) { throw Error(502, "fetch-failed", "Fetch failed", detail); }

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// The last label of a host decides whether it is meant as a number (WHATWG URL's
// "ends in a number" rule): all digits, or 0x followed by hex digits.
bool ends_in_number(std::string_view host) {
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  auto dot = host.rfind('.');
  std::string_view last = dot == std::string_view::npos ? host : host.substr(dot + 1);
  if (last.empty()) return false;
  if (std::all_of(last.begin(), last.end(), [](char c) { return c >= '0' && c <= '9'; })) return true;
  if (last.size() >= 2 && last[0] == '0' && (last[1] == 'x' || last[1] == 'X'))
    return std::all_of(last.begin() + 2, last.end(),
                       [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
  return false;
}

}  // namespace

std::optional<std::uint32_t> parse_ipv4_any_spelling(std::string_view host) {
  if (host.empty() || host.size() > 64) return std::nullopt;
  if (host.back() == '.') host.remove_suffix(1);
  std::array<std::uint64_t, 4> parts{};
  std::size_t n = 0;
  std::size_t i = 0;
  while (true) {
    if (n == 4) return std::nullopt;
    std::size_t end = host.find('.', i);
    std::string_view p = host.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i);
    if (p.empty()) return std::nullopt;
    int base = 10;
    if (p.size() >= 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
      base = 16;
      p.remove_prefix(2);
    } else if (p.size() >= 2 && p[0] == '0') {
      base = 8;
      p.remove_prefix(1);
    }
    std::uint64_t v = 0;
    for (char c : p) {
      int d;
      if (c >= '0' && c <= '9')
        d = c - '0';
      else if (c >= 'a' && c <= 'f')
        d = c - 'a' + 10;
      else if (c >= 'A' && c <= 'F')
        d = c - 'A' + 10;
      else
        return std::nullopt;
      if (d >= base) return std::nullopt;
      v = v * base + d;
      if (v > 0xFFFFFFFFull) return std::nullopt;
    }
    parts[n++] = v;
    if (end == std::string_view::npos) break;
    i = end + 1;
  }
  std::uint64_t addr = 0;
  for (std::size_t k = 0; k + 1 < n; ++k) {
    if (parts[k] > 255) return std::nullopt;
    addr |= parts[k] << (8 * (3 - k));
  }
  std::uint64_t last_max = n == 1 ? 0xFFFFFFFFull : (1ull << (8 * (5 - n))) - 1;
  if (parts[n - 1] > last_max) return std::nullopt;
  addr |= parts[n - 1];
  return static_cast<std::uint32_t>(addr);
}

bool is_public_address(const ip::address& address) {
  auto v4_public = [](std::uint32_t a) {
    auto in = [a](std::uint32_t net, int bits) {
      std::uint32_t mask = bits == 0 ? 0 : ~std::uint32_t{0} << (32 - bits);
      return (a & mask) == net;
    };
    return !(in(0x00000000, 8) ||   // "this network", 0.0.0.0
             in(0x0A000000, 8) ||   // 10/8
             in(0x64400000, 10) ||  // 100.64/10 CGNAT
             in(0x7F000000, 8) ||   // loopback
             in(0xA9FE0000, 16) ||  // link-local, 169.254.169.254 metadata
             in(0xAC100000, 12) ||  // 172.16/12
             in(0xC0000000, 24) ||  // 192.0.0/24 IETF protocol assignments
             in(0xC0000200, 24) ||  // TEST-NET-1
             in(0xC0586300, 24) ||  // 6to4 relay anycast
             in(0xC0A80000, 16) ||  // 192.168/16
             in(0xC6120000, 15) ||  // 198.18/15 benchmarking
             in(0xC6336400, 24) ||  // TEST-NET-2
             in(0xCB007100, 24) ||  // TEST-NET-3
             in(0xE0000000, 4) ||   // multicast
             in(0xF0000000, 4));    // reserved, broadcast
  };
  if (address.is_v4()) return v4_public(address.to_v4().to_uint());
  auto b = address.to_v6().to_bytes();
  if (address.to_v6().scope_id() != 0) return false;
  // Only global unicast 2000::/3 is public; inside it, refuse the ranges that embed
  // or tunnel to IPv4 (and so may reach a private IPv4 host) and documentation.
  if ((b[0] & 0xE0) != 0x20) return false;  // ::1, ::, ::ffff:0:0/96, fc00::/7, fe80::/10, ff00::/8, 64:ff9b::/96 …
  if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x00 && b[3] == 0x00) return false;  // Teredo 2001::/32
  if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8) return false;  // documentation 2001:db8::/32
  if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x00 && (b[3] & 0xF0) == 0x10) return false;  // ORCHID 2001:10::/28
  if (b[0] == 0x20 && b[1] == 0x02) return false;                                           // 6to4 2002::/16
  if (b[0] == 0x3F && b[1] == 0xFF && (b[2] & 0xF0) == 0) return false;                     // documentation 3fff::/20
  return true;
}

bool is_allowed_private(const std::vector<std::string>& allowed, std::string_view host, const ip::address* address) {
  std::string h = lower(host);
  std::string a = address ? address->to_string() : std::string();
  for (const auto& entry : allowed) {
    std::string e = lower(entry);
    if (!e.empty() && e.front() == '[' && e.back() == ']') e = e.substr(1, e.size() - 2);
    if (e == h || (!a.empty() && e == a)) return true;
  }
  return false;
}

std::string FetchUrl::host_header() const {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  bool default_port = (scheme == "http" && port == 80) || (scheme == "https" && port == 443);
  return default_port ? h : h + ":" + std::to_string(port);
}

std::string FetchUrl::str() const { return scheme + "://" + host_header() + target; }

FetchUrl parse_fetch_url(std::string_view url) {
  if (url.size() > 4096) malformed("URL longer than 4096 bytes");
  for (char c : url)
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7F || c == '\\')
      malformed("URL contains a space, control character or backslash");
  auto colon = url.find("://");
  if (colon == std::string_view::npos) malformed("not an absolute URL");
  FetchUrl out;
  out.scheme = lower(url.substr(0, colon));
  if (out.scheme != "http" && out.scheme != "https") refuse("only http and https URLs are fetched");
  std::string_view rest = url.substr(colon + 3);
  std::size_t auth_end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, auth_end);
  std::string_view tail = auth_end == std::string_view::npos ? std::string_view{} : rest.substr(auth_end);
  if (authority.find('@') != std::string_view::npos) refuse("credentials in the URL are not allowed");
  std::string_view host_part = authority;
  std::string_view port_part;
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos) malformed("unterminated IPv6 literal");
    host_part = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') malformed("garbage after the IPv6 literal");
      port_part = after.substr(1);
    }
    if (host_part.find('%') != std::string_view::npos) refuse("IPv6 zone identifiers are not allowed");
    boost::system::error_code ec;
    auto v6 = ip::make_address_v6(std::string(host_part), ec);
    if (ec) malformed("malformed IPv6 literal");
    out.host = v6.to_string();
    out.host_is_ip = true;
  } else {
    auto pc = authority.rfind(':');
    if (pc != std::string_view::npos) {
      host_part = authority.substr(0, pc);
      port_part = authority.substr(pc + 1);
    }
    if (host_part.empty()) malformed("URL has no host");
    if (host_part.find('%') != std::string_view::npos) refuse("percent-encoded host names are not allowed");
    out.host = lower(host_part);
    if (ends_in_number(out.host)) {
      auto v4 = parse_ipv4_any_spelling(out.host);
      if (!v4) refuse("host '" + out.host + "' is neither a name nor an IPv4 address");
      std::string canonical = ip::address_v4(*v4).to_string();
      // 2130706433, 0177.0.0.1, 0x7f.1, 127.1 all mean 127.0.0.1: refused unless written plainly,
      // and the plain form is then checked like any other address.
      if (canonical != out.host) refuse("IPv4 address written as '" + out.host + "' (means " + canonical + ")");
      out.host_is_ip = true;
    }
    for (char c : out.host)
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_'))
        refuse("host name with characters outside [a-z0-9.-] (IDNs must be sent as xn--)");
  }
  if (out.host.size() > 253) malformed("host name too long");
  out.port = out.scheme == "https" ? 443 : 80;
  if (!port_part.empty()) {
    if (port_part.size() > 5 ||
        !std::all_of(port_part.begin(), port_part.end(), [](char c) { return c >= '0' && c <= '9'; }))
      malformed("malformed port");
    long p = std::strtol(std::string(port_part).c_str(), nullptr, 10);
    if (p < 1 || p > 65535) malformed("port out of range");
    out.port = static_cast<std::uint16_t>(p);
  }
  std::string_view target = tail.substr(0, tail.find('#'));
  if (target.empty() || target.front() == '?')
    out.target = "/" + std::string(target);
  else
    out.target = std::string(target);
  return out;
}

FetchUrl resolve_redirect(const FetchUrl& base, std::string_view location) {
  if (location.empty()) malformed("redirect without a Location");
  if (location.find("://") != std::string_view::npos && location.find("://") < location.find_first_of("/?#"))
    return parse_fetch_url(location);
  if (location.size() >= 2 && location[0] == '/' && location[1] == '/')
    return parse_fetch_url(base.scheme + ":" + std::string(location));
  std::string target;
  if (location.front() == '/') {
    target = std::string(location);
  } else if (location.front() == '?') {
    target = base.target.substr(0, base.target.find('?')) + std::string(location);
  } else {
    std::string path = base.target.substr(0, base.target.find('?'));
    target = path.substr(0, path.rfind('/') + 1) + std::string(location);
  }
  return parse_fetch_url(base.scheme + "://" + base.host_header() + target);
}

void check_host_as_written(const FetchUrl& url, const std::vector<std::string>& allowed) {
  if (url.host_is_ip) {
    auto address = ip::make_address(url.host);
    if (!is_public_address(address) && !is_allowed_private(allowed, url.host, &address))
      refuse("target address " + url.host + " is not public");
    return;
  }
  if (is_allowed_private(allowed, url.host, nullptr)) return;
  std::string h = url.host;
  if (!h.empty() && h.back() == '.') h.pop_back();
  // RFC 6761: these always mean loopback. Every other name is judged by the
  // addresses it resolves to (metadata.google.internal → 169.254.169.254 is refused there).
  if (h == "localhost" || ends_with(h, ".localhost")) refuse("host '" + url.host + "' is a local name");
}

}  // namespace tc::ai::tools
