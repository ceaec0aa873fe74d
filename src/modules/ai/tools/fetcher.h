// An SSRF-safe HTTP(S) fetcher for the Deep Web Search mode. Every target (the first
// URL and each redirect) is checked twice: its host as written (every IPv4 spelling
// inet_aton accepts — 2130706433, 0177.0.0.1, 0x7f.1, 127.1 — and IPv6 literals
// including IPv4-mapped ones) and every address the name resolves to; the connection
// then goes to one of the checked addresses (no second lookup, so no DNS rebinding).
// robots.txt is fetched once per host (cached for the process, 1 h) and obeyed.
// Only text/html, text/plain and application/json bodies are returned; HTML becomes
// readable text (scripts and styles dropped, entities decoded, the title kept).
#pragma once

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace tc::ai::tools {

struct FetchPolicy {
  std::size_t max_bytes = 2 << 20;           // body bytes (after transfer decoding); more is 413
  std::chrono::milliseconds timeout{10000};  // the whole fetch, redirects and robots.txt included
  int max_redirects = 5;
  bool obey_robots = true;
  std::string user_agent = "tradechat-research/1";
  // Operator allow-list of hosts that may be private/loopback (exact host as written
  // in the URL, or an IP literal; compared case-insensitively). Tests use 127.0.0.1.
  std::vector<std::string> allowed_private_hosts;
  // Extra PEM CA bundle for https (empty: the system's trust store). Tests use it for
  // a self-signed local server.
  std::string ca_file;
};

struct FetchedPage {
  std::string url;  // the final URL after redirects
  int status = 0;
  std::string content_type;  // media type only, lower case ("text/html")
  std::string title;         // HTML <title>, empty otherwise
  std::string text;          // readable text (HTML converted; plain text and JSON as is)
};

// Fetches `url` (http or https only, no credentials in the URL, default or explicit
// port). Throws tc::Error 403 "fetch-refused" (a non-public target in any spelling,
// a redirect to one, robots.txt disallows, a scheme other than http/https, a
// content type outside the three above), 502 "fetch-failed" (DNS, connect, TLS,
// timeout, HTTP status ≥ 400, too many redirects, malformed URL), 413
// "fetch-too-large". Runs on the caller's executor; no blocking calls.
boost::asio::awaitable<FetchedPage> fetch_page(std::string url, FetchPolicy policy);

}  // namespace tc::ai::tools
