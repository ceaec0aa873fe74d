// fetch_page: parse → check the host as written → robots.txt → resolve and check
// every address → connect to those addresses only → read the header → follow a
// redirect (back to the first step) or read the body within the limits.
#include "modules/ai/tools/fetcher.h"

#include "core/errors.h"
#include "modules/ai/tools/fetch_target.h"
#include "modules/ai/tools/html_text.h"
#include "modules/ai/tools/robots.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <mutex>
#include <unordered_map>
#include <variant>

namespace tc::ai::tools {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using namespace asio::experimental::awaitable_operators;

[[noreturn]] void failed(const std::string& detail) { throw Error(502, "fetch-failed", "Fetch failed", detail); }
[[noreturn]] void refused(const std::string& detail) { throw Error(403, "fetch-refused", "Fetch refused", detail); }
[[noreturn]] void too_large(std::size_t limit) {
  throw Error(413, "fetch-too-large", "Fetched body too large",
              "the response is larger than " + std::to_string(limit) + " bytes");
}

constexpr std::size_t kRobotsMaxBytes = 512u << 10;
constexpr auto kRobotsTtl = std::chrono::hours(1);
constexpr std::size_t kRobotsCacheEntries = 1024;

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

struct Exchange {
  int status = 0;
  std::string location;
  std::string content_type;  // the whole header value
  std::string body;
};

// What a request must do with the body.
struct ReadRules {
  std::size_t max_bytes = 0;
  bool check_type = true;  // pages: only text/html, text/plain, application/json
  bool body_on_error = false;
};

std::string media_type(std::string_view content_type) {
  std::string t = lower(content_type.substr(0, content_type.find(';')));
  while (!t.empty() && t.back() == ' ') t.pop_back();
  while (!t.empty() && t.front() == ' ') t.erase(t.begin());
  return t;
}

std::string charset_of(std::string_view content_type) {
  std::string ct = lower(content_type);
  auto p = ct.find("charset=");
  if (p == std::string::npos) return {};
  std::string cs = ct.substr(p + 8);
  cs = cs.substr(0, cs.find(';'));
  std::erase(cs, '"');
  std::erase(cs, ' ');
  return cs;
}

asio::awaitable<std::vector<tcp::endpoint>> resolve_checked(FetchUrl url, std::vector<std::string> allowed,
                                                            Clock::time_point deadline) {
  std::vector<tcp::endpoint> out;
  if (url.host_is_ip) {
    out.emplace_back(asio::ip::make_address(url.host), url.port);
    co_return out;
  }
  auto ex = co_await asio::this_coro::executor;
  tcp::resolver resolver(ex);
  asio::steady_timer timer(ex, deadline);
  auto result =
      co_await (resolver.async_resolve(url.host, std::to_string(url.port), asio::as_tuple(asio::use_awaitable)) ||
                timer.async_wait(asio::as_tuple(asio::use_awaitable)));
  if (result.index() == 1) failed("timed out resolving " + url.host);
  auto [ec, results] = std::get<0>(std::move(result));
  if (ec) failed("cannot resolve " + url.host + ": " + ec.message());
  for (const auto& r : results) {
    auto address = r.endpoint().address();
    if (!is_public_address(address) && !is_allowed_private(allowed, url.host, &address))
      refused("host " + url.host + " resolves to " + address.to_string() + ", which is not public");
    out.push_back(r.endpoint());
  }
  if (out.empty()) failed("no address for " + url.host);
  co_return out;
}

template <class Stream>
asio::awaitable<Exchange> send_and_read(Stream* stream, FetchUrl url, std::string user_agent, ReadRules rules) {
  bhttp::request<bhttp::empty_body> req{bhttp::verb::get, url.target, 11};
  req.set(bhttp::field::host, url.host_header());
  req.set(bhttp::field::user_agent, user_agent);
  req.set(bhttp::field::accept, "text/html, text/plain;q=0.9, application/json;q=0.9");
  req.set(bhttp::field::accept_encoding, "identity");
  req.set(bhttp::field::connection, "close");
  auto [wec, wn] = co_await bhttp::async_write(*stream, req, asio::as_tuple(asio::use_awaitable));
  (void)wn;
  if (wec) failed("sending the request to " + url.host + ": " + wec.message());

  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.header_limit(64u << 10);
  parser.body_limit(rules.max_bytes);
  auto [hec, hn] = co_await bhttp::async_read_header(*stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
  (void)hn;
  if (hec == bhttp::error::body_limit) too_large(rules.max_bytes);  // Content-Length over the limit
  if (hec) failed("reading the response of " + url.host + ": " + hec.message());
  Exchange ex;
  ex.status = static_cast<int>(parser.get().result_int());
  ex.location = std::string(parser.get()[bhttp::field::location]);
  ex.content_type = std::string(parser.get()[bhttp::field::content_type]);
  if (ex.status >= 300 && ex.status < 400) co_return ex;
  if (ex.status >= 400 && !rules.body_on_error) co_return ex;
  if (rules.check_type && ex.status < 300) {
    std::string t = media_type(ex.content_type);
    if (t != "text/html" && t != "text/plain" && t != "application/json" && t != "application/xhtml+xml")
      refused("content type '" + (t.empty() ? std::string("none") : t) +
              "' is not fetched (text/html, text/plain, application/json only)");
  }
  if (auto len = parser.content_length(); len && *len > rules.max_bytes) too_large(rules.max_bytes);
  auto [bec, bn] = co_await bhttp::async_read(*stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
  (void)bn;
  if (bec == bhttp::error::body_limit) too_large(rules.max_bytes);
  // A close-delimited body over TLS may end without close_notify: that is its end.
  if (bec && bec != bhttp::error::end_of_stream && bec != asio::ssl::error::stream_truncated)
    failed("reading the body from " + url.host + ": " + bec.message());
  ex.body = std::move(parser.get().body());
  co_return ex;
}

// One request to a checked set of endpoints. Never resolves again.
asio::awaitable<Exchange> exchange(FetchUrl url, std::vector<tcp::endpoint> endpoints, FetchPolicy policy,
                                   Clock::time_point deadline, ReadRules rules) {
  auto ex = co_await asio::this_coro::executor;
  if (Clock::now() >= deadline) failed("timed out");
  if (url.scheme == "http") {
    beast::tcp_stream stream(ex);
    stream.expires_at(deadline);
    auto [cec, ep] = co_await stream.async_connect(endpoints, asio::as_tuple(asio::use_awaitable));
    (void)ep;
    if (cec == beast::error::timeout) failed("timed out connecting to " + url.host);
    if (cec) failed("cannot connect to " + url.host + ": " + cec.message());
    co_return co_await send_and_read(&stream, url, policy.user_agent, rules);
  }
  asio::ssl::context tls(asio::ssl::context::tls_client);
  tls.set_default_verify_paths();
  if (!policy.ca_file.empty()) {
    boost::system::error_code ec;
    tls.load_verify_file(policy.ca_file, ec);
    if (ec) failed("cannot load the CA file: " + ec.message());
  }
  tls.set_verify_mode(asio::ssl::verify_peer);
  beast::ssl_stream<beast::tcp_stream> stream(ex, tls);
  if (!url.host_is_ip && !SSL_set_tlsext_host_name(stream.native_handle(), url.host.c_str()))
    failed("cannot set the TLS server name");
  stream.set_verify_callback(asio::ssl::host_name_verification(url.host));
  beast::get_lowest_layer(stream).expires_at(deadline);
  auto [cec, ep] =
      co_await beast::get_lowest_layer(stream).async_connect(endpoints, asio::as_tuple(asio::use_awaitable));
  (void)ep;
  if (cec == beast::error::timeout) failed("timed out connecting to " + url.host);
  if (cec) failed("cannot connect to " + url.host + ": " + cec.message());
  auto [hec] = co_await stream.async_handshake(asio::ssl::stream_base::client, asio::as_tuple(asio::use_awaitable));
  if (hec) failed("TLS handshake with " + url.host + " failed: " + hec.message());
  co_return co_await send_and_read(&stream, url, policy.user_agent, rules);
}

bool is_redirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

class RobotsCache {
 public:
  std::optional<RobotsRules> get(const std::string& key) {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(key);
    if (it == entries_.end() || Clock::now() - it->second.first > kRobotsTtl) return std::nullopt;
    return it->second.second;
  }
  void put(const std::string& key, RobotsRules rules) {
    std::lock_guard lock(mutex_);
    if (entries_.size() >= kRobotsCacheEntries) entries_.clear();
    entries_[key] = {Clock::now(), std::move(rules)};
  }

 private:
  std::mutex mutex_;
  std::unordered_map<std::string, std::pair<Clock::time_point, RobotsRules>> entries_;
};

RobotsCache& robots_cache() {
  static RobotsCache cache;
  return cache;
}

asio::awaitable<RobotsRules> robots_for(FetchUrl origin, FetchPolicy policy, Clock::time_point deadline) {
  std::string key = lower(policy.user_agent) + " " + origin.scheme + "://" + origin.host_header();
  if (auto cached = robots_cache().get(key)) co_return *cached;
  FetchUrl u = origin;
  u.target = "/robots.txt";
  RobotsRules rules = RobotsRules::allow_all();
  for (int redirects = 0;; ++redirects) {
    check_host_as_written(u, policy.allowed_private_hosts);
    auto endpoints = co_await resolve_checked(u, policy.allowed_private_hosts, deadline);
    Exchange ex;
    try {
      ex = co_await exchange(u, endpoints, policy, deadline, ReadRules{kRobotsMaxBytes, false, false});
    } catch (const Error& e) {
      if (e.status() != 413) throw;
      ex.status = 413;  // a robots.txt over 512 KiB: read as "disallow all" (no safe partial reading)
    }
    if (is_redirect(ex.status) && redirects < 5) {
      u = resolve_redirect(u, ex.location);
      continue;
    }
    if (ex.status >= 200 && ex.status < 300)
      rules = RobotsRules::parse(ex.body, policy.user_agent);
    else if (ex.status >= 400 && ex.status < 500 && ex.status != 413)
      rules = RobotsRules::allow_all();
    else
      rules = RobotsRules::disallow_all();  // 5xx, too many redirects, oversize
    break;
  }
  robots_cache().put(key, rules);
  co_return rules;
}

FetchedPage to_page(const FetchUrl& url, Exchange ex) {
  FetchedPage page;
  page.url = url.str();
  page.status = ex.status;
  page.content_type = media_type(ex.content_type);
  std::string cs = charset_of(ex.content_type);
  std::string body = (cs == "iso-8859-1" || cs == "latin1" || cs == "windows-1252" || cs == "us-ascii")
                         ? latin1_to_utf8(ex.body)
                         : std::move(ex.body);
  if (page.content_type == "text/html" || page.content_type == "application/xhtml+xml") {
    HtmlText h = html_to_text(body);
    page.title = std::move(h.title);
    page.text = std::move(h.text);
  } else {
    page.text = std::move(body);
  }
  return page;
}

}  // namespace

asio::awaitable<FetchedPage> fetch_page(std::string url, FetchPolicy policy) {
  const auto deadline = Clock::now() + policy.timeout;
  FetchUrl u = parse_fetch_url(url);
  for (int redirects = 0;; ++redirects) {
    check_host_as_written(u, policy.allowed_private_hosts);
    if (policy.obey_robots) {
      RobotsRules rules = co_await robots_for(u, policy, deadline);
      if (!rules.allowed(u.target)) refused("robots.txt of " + u.host_header() + " disallows " + u.target);
    }
    auto endpoints = co_await resolve_checked(u, policy.allowed_private_hosts, deadline);
    Exchange ex = co_await exchange(u, endpoints, policy, deadline, ReadRules{policy.max_bytes, true, false});
    if (is_redirect(ex.status)) {
      if (redirects >= policy.max_redirects) failed("more than " + std::to_string(policy.max_redirects) + " redirects");
      u = resolve_redirect(u, ex.location);  // checked again at the top of the loop
      continue;
    }
    if (ex.status < 200 || ex.status >= 300) failed(u.host_header() + " answered HTTP " + std::to_string(ex.status));
    co_return to_page(u, std::move(ex));
  }
}

}  // namespace tc::ai::tools
