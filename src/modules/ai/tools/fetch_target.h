// The fetcher's target checks, kept apart so they can be tested as a table: URL
// parsing (http/https only, no credentials), every IPv4 spelling inet_aton accepts,
// IPv6 literals, and which addresses are public.
#pragma once

#include <boost/asio/ip/address.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tc::ai::tools {

struct FetchUrl {
  std::string scheme;  // "http" or "https"
  std::string host;    // lower case; IPv6 without brackets
  std::uint16_t port = 0;
  std::string target;  // path and query, starting with '/'; no fragment
  bool host_is_ip = false;
  std::string host_header() const;  // host[:port] as sent in Host (brackets for IPv6)
  std::string str() const;          // the normalised URL
};

// Parses an absolute http(s) URL. Throws tc::Error 502 "fetch-failed" for a
// malformed URL and 403 "fetch-refused" for another scheme, credentials in the URL,
// a numeric host written in a non-canonical IPv4 form (decimal, octal, hex, short)
// or an IPv6 zone id.
FetchUrl parse_fetch_url(std::string_view url);

// Resolves `location` (a Location header) against `base`. Throws like parse_fetch_url.
FetchUrl resolve_redirect(const FetchUrl& base, std::string_view location);

// inet_aton's reading of `host` (1 to 4 parts, each decimal, octal with a leading 0
// or hex with 0x; the last part fills the remaining bytes; a trailing dot allowed),
// or nullopt when it is not a number in any of those forms.
std::optional<std::uint32_t> parse_ipv4_any_spelling(std::string_view host);

// False for loopback, private (RFC 1918, CGNAT 100.64/10, ULA fc00::/7), link-local
// (169.254/16 with the cloud metadata address, fe80::/10), unspecified, multicast,
// broadcast, documentation, benchmarking and other reserved ranges, IPv4-mapped and
// -compatible IPv6, NAT64, 6to4 and Teredo (which embed an IPv4 address), and any
// IPv6 address outside global unicast 2000::/3.
bool is_public_address(const boost::asio::ip::address& address);

// True when `host` (as written, lower case) or `address` is on the operator's list.
bool is_allowed_private(const std::vector<std::string>& allowed, std::string_view host,
                        const boost::asio::ip::address* address);

// Throws 403 "fetch-refused" when an IP-literal host is not public and not allowed,
// or when the name is "localhost" or "*.localhost" (RFC 6761). Other names are
// judged by the addresses they resolve to.
void check_host_as_written(const FetchUrl& url, const std::vector<std::string>& allowed);

}  // namespace tc::ai::tools
