#include "modules/alerts/outbound_http.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netdb.h>

#include <array>
#include <cstring>
#include <memory>

namespace tc::alerts {
namespace {

bool public_v4(const unsigned char* a) {
  const unsigned b0 = a[0];
  const unsigned b1 = a[1];
  if (b0 == 0 || b0 == 10 || b0 == 127) return false;                  // this network, private, loopback
  if (b0 == 100 && (b1 & 0xC0) == 64) return false;                    // 100.64/10 shared (CGNAT)
  if (b0 == 169 && b1 == 254) return false;                            // link-local (cloud metadata)
  if (b0 == 172 && (b1 & 0xF0) == 16) return false;                    // 172.16/12
  if (b0 == 192 && b1 == 168) return false;                            // 192.168/16
  if (b0 == 192 && b1 == 0 && (a[2] == 0 || a[2] == 2)) return false;  // IETF, TEST-NET-1
  if (b0 == 198 && (b1 == 18 || b1 == 19)) return false;               // benchmarking
  if (b0 == 198 && b1 == 51 && a[2] == 100) return false;              // TEST-NET-2
  if (b0 == 203 && b1 == 0 && a[2] == 113) return false;               // TEST-NET-3
  return b0 < 224;                                                     // multicast, reserved, broadcast
}

bool public_v6(const unsigned char* a) {
  static constexpr unsigned char kZero[16] = {};
  if (std::memcmp(a, kZero, 15) == 0 && (a[15] == 0 || a[15] == 1)) return false;  // :: and ::1
  // IPv4-mapped (::ffff:a.b.c.d) and the NAT64 well-known prefix carry an IPv4 address.
  static constexpr unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(a, kMapped, 12) == 0) return public_v4(a + 12);
  static constexpr unsigned char kNat64[12] = {0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};
  if (std::memcmp(a, kNat64, 12) == 0) return public_v4(a + 12);
  // IPv4-compatible (::a.b.c.d, deprecated) may reach the embedded IPv4 address on some
  // stacks; 6to4 (2002::/16) embeds one in bytes 2-5; Teredo (2001::/32) tunnels to one.
  if (std::memcmp(a, kZero, 12) == 0) return false;
  if (a[0] == 0x20 && a[1] == 0x02) return public_v4(a + 2);
  if (a[0] == 0x20 && a[1] == 0x01 && a[2] == 0 && a[3] == 0) return false;
  if ((a[0] & 0xFE) == 0xFC) return false;                                         // fc00::/7 unique local
  if (a[0] == 0xFE && (a[1] & 0xC0) == 0x80) return false;                         // fe80::/10 link-local
  if (a[0] == 0xFF) return false;                                                  // multicast
  if (a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x0d && a[3] == 0xb8) return false;  // documentation
  return true;
}

std::string numeric_host(const sockaddr* sa) {
  std::array<char, INET6_ADDRSTRLEN> buf{};
  if (sa->sa_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(sa)->sin_addr, buf.data(), buf.size());
  } else {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr, buf.data(), buf.size());
  }
  return buf.data();
}

size_t discard(char*, size_t size, size_t n, void*) { return size * n; }

struct Target {
  std::string scheme;
  std::string host;
  std::string port;
};

std::optional<Target> parse(const std::string& url) {
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> parsed(curl_url(), curl_url_cleanup);
  if (curl_url_set(parsed.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) return std::nullopt;
  Target t;
  for (auto [part, out, flags] : {std::tuple{CURLUPART_SCHEME, &t.scheme, 0u}, std::tuple{CURLUPART_HOST, &t.host, 0u},
                                  std::tuple{CURLUPART_PORT, &t.port, static_cast<unsigned>(CURLU_DEFAULT_PORT)}}) {
    char* text = nullptr;
    if (curl_url_get(parsed.get(), part, &text, flags) == CURLUE_OK && text) *out = text;
    curl_free(text);
  }
  if (t.host.size() > 2 && t.host.front() == '[') t.host = t.host.substr(1, t.host.size() - 2);
  if (t.host.empty() || (t.scheme != "http" && t.scheme != "https")) return std::nullopt;
  return t;
}

struct Resolved {
  std::string pinned;  // the address to connect to
  std::string refusal;
  bool resolved = false;
};

Resolved resolve(const Target& t, bool allow_private) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(t.host.c_str(), t.port.c_str(), &hints, &found) != 0 || !found) return {};
  Resolved r;
  r.resolved = true;
  for (auto* a = found; a; a = a->ai_next) {
    const auto ip = numeric_host(a->ai_addr);
    if (!allow_private && !is_public_address(ip)) {
      r.refusal = "refused: " + t.host + " resolves to the non-public address " + ip;
      break;
    }
    if (r.pinned.empty()) r.pinned = ip;
  }
  freeaddrinfo(found);
  return r;
}

}  // namespace

bool is_public_address(const std::string& ip) {
  std::array<unsigned char, 16> buf{};
  if (inet_pton(AF_INET, ip.c_str(), buf.data()) == 1) return public_v4(buf.data());
  if (inet_pton(AF_INET6, ip.c_str(), buf.data()) == 1) return public_v6(buf.data());
  return false;
}

std::optional<std::string> refusal_reason(const std::string& url, const OutboundPolicy& policy) {
  const auto target = parse(url);
  if (!target) return "not an http(s) URL with a host";
  if (policy.https_only && target->scheme != "https") return "must be an https:// URL";
  const auto r = resolve(*target, policy.allow_private);
  if (!r.refusal.empty()) return r.refusal;
  return std::nullopt;
}

OutboundResult post(const std::string& url, const std::vector<std::string>& headers, const std::string& body,
                    const OutboundPolicy& policy) {
  const auto target = parse(url);
  if (!target) return {true, 0, "malformed URL"};
  if (policy.https_only && target->scheme != "https") return {true, 0, "refused: not an https:// URL"};
  const auto r = resolve(*target, policy.allow_private);
  if (!r.resolved) return {false, 0, "cannot resolve " + target->host};
  if (!r.refusal.empty()) return {true, 0, r.refusal};

  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return {false, 0, "curl_easy_init failed"};
  const std::string resolve_entry = target->host + ":" + target->port + ":" +
                                    (r.pinned.find(':') != std::string::npos ? "[" + r.pinned + "]" : r.pinned);
  curl_slist* pin = curl_slist_append(nullptr, resolve_entry.c_str());
  curl_slist* list = nullptr;
  for (const auto& h : headers) list = curl_slist_append(list, h.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_PROTOCOLS_STR, policy.https_only ? "https" : "http,https");
  curl_easy_setopt(curl.get(), CURLOPT_RESOLVE, pin);
  curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  curl_easy_setopt(curl.get(), CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, static_cast<long>(policy.timeout.count()));
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, discard);
  if (!policy.ca_file.empty()) curl_easy_setopt(curl.get(), CURLOPT_CAINFO, policy.ca_file.c_str());
  const CURLcode rc = curl_easy_perform(curl.get());
  long status = 0;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(list);
  curl_slist_free_all(pin);
  if (rc != CURLE_OK) return {false, 0, curl_easy_strerror(rc)};
  return {false, status, ""};
}

}  // namespace tc::alerts
