#include "modules/ai/tools/fetcher.h"

#include "core/errors.h"
#include "modules/ai/tools/fetch_target.h"
#include "modules/ai/tools/tests/local_http_server.h"

#include <boost/asio/co_spawn.hpp>

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

using namespace tc::ai::tools;
using tc::ai::tools::testing::LocalHttpServer;
using tc::ai::tools::testing::run_coroutine;

namespace {

FetchPolicy local_policy() {
  FetchPolicy p;
  p.allowed_private_hosts = {"127.0.0.1"};
  return p;
}

FetchedPage fetch(const std::string& url, FetchPolicy policy = local_policy()) {
  return run_coroutine(fetch_page(url, std::move(policy)));
}

// The error a fetch throws: status, type and detail.
struct Failure {
  int status = 0;
  std::string type, detail;
};
Failure failure(const std::string& url, FetchPolicy policy = local_policy()) {
  try {
    auto page = fetch(url, std::move(policy));
    ADD_FAILURE() << url << " was fetched (status " << page.status << ")";
  } catch (const tc::Error& e) {
    return {e.status(), e.type(), e.detail()};
  }
  return {};
}

const char* kPage =
    "<!doctype html><html><head><title>Apple &amp; the  Market</title><style>body{color:red}</style>"
    "<script>var secret = 'do not show';</script></head><body><h1>Earnings</h1><p>Revenue rose 8&#37; to "
    "&euro;94.9&nbsp;billion.</p><!-- a comment --><ul><li>One</li><li>Two &lt;3&gt;</li></ul></body></html>";

}  // namespace

TEST(Fetcher, FetchesAnHtmlPageAsReadableText) {
  LocalHttpServer server;
  server.route("/robots.txt", LocalHttpServer::response(404, "text/plain", "none"));
  server.route("/news", LocalHttpServer::response(200, "text/html; charset=utf-8", kPage));
  auto page = fetch(server.base() + "/news");
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.content_type, "text/html");
  EXPECT_EQ(page.title, "Apple & the Market");
  EXPECT_EQ(page.text, "Earnings\nRevenue rose 8% to €94.9 billion.\nOne\nTwo <3>");
  EXPECT_EQ(page.url, server.base() + "/news");
  // The request names us and asks for no compression.
  EXPECT_NE(server.last_request_head().find("User-Agent: tradechat-research/1"), std::string::npos);
  EXPECT_NE(server.last_request_head().find("Accept-Encoding: identity"), std::string::npos);
}

TEST(Fetcher, JsonAndPlainTextComeBackAsWritten) {
  LocalHttpServer server;
  server.route("/robots.txt", LocalHttpServer::response(404, "text/plain", ""));
  server.route("/q.json", LocalHttpServer::response(200, "application/json", R"({"price":187.23})"));
  server.route("/latin1", LocalHttpServer::response(200, "text/plain; charset=ISO-8859-1", "caf\xE9"));
  EXPECT_EQ(fetch(server.base() + "/q.json").text, R"({"price":187.23})");
  EXPECT_EQ(fetch(server.base() + "/latin1").text, "café");
}

TEST(Fetcher, HttpsVerifiesTheCertificate) {
  LocalHttpServer server(/*tls=*/true);
  server.route("/robots.txt", LocalHttpServer::response(404, "text/plain", ""));
  server.route("/secure", LocalHttpServer::response(200, "text/html", "<title>TLS</title><p>encrypted</p>"));
  FetchPolicy p = local_policy();
  p.ca_file = server.ca_file();
  auto page = fetch(server.base() + "/secure", p);
  EXPECT_EQ(page.title, "TLS");
  EXPECT_EQ(page.text, "encrypted");
  // Without trusting the self-signed certificate the handshake fails: no page, 502.
  auto f = failure(server.base() + "/secure");
  EXPECT_EQ(f.status, 502);
  EXPECT_NE(f.detail.find("TLS handshake"), std::string::npos) << f.detail;
}

TEST(Fetcher, RobotsTxtIsObeyedAndFetchedOncePerHost) {
  LocalHttpServer server;
  server.route("/robots.txt", LocalHttpServer::response(200, "text/plain",
                                                        "User-agent: *\nDisallow: /\n\n"
                                                        "User-agent: tradechat-research\nDisallow: /private\n"
                                                        "Allow: /private/press\n"));
  server.route("/public", LocalHttpServer::response(200, "text/plain", "ok"));
  server.route("/private/press", LocalHttpServer::response(200, "text/plain", "press"));
  server.route("/private/data", LocalHttpServer::response(200, "text/plain", "secret"));
  EXPECT_EQ(fetch(server.base() + "/public").text, "ok");
  EXPECT_EQ(fetch(server.base() + "/private/press").text, "press");
  auto f = failure(server.base() + "/private/data");
  EXPECT_EQ(f.status, 403);
  EXPECT_EQ(f.type, "fetch-refused");
  EXPECT_NE(f.detail.find("robots.txt"), std::string::npos);
  EXPECT_EQ(server.count("/private/data"), 0u);  // never requested
  EXPECT_EQ(server.count("/robots.txt"), 1u);    // cached for the host
  // Another agent falls in the "*" group, which disallows everything.
  FetchPolicy other = local_policy();
  other.user_agent = "otherbot/2";
  EXPECT_EQ(failure(server.base() + "/public", other).status, 403);
  // obey_robots = false skips it (the operator's own endpoints).
  FetchPolicy ignore = other;
  ignore.obey_robots = false;
  EXPECT_EQ(fetch(server.base() + "/private/data", ignore).text, "secret");
}

TEST(Fetcher, ARobotsTxtServerErrorDisallowsEverything) {
  LocalHttpServer server;
  server.route("/robots.txt", LocalHttpServer::response(503, "text/plain", "busy"));
  server.route("/a", LocalHttpServer::response(200, "text/plain", "a"));
  EXPECT_EQ(failure(server.base() + "/a").status, 403);
  EXPECT_EQ(server.count("/a"), 0u);
}

TEST(Fetcher, RedirectsAreFollowedAndEachTargetIsCheckedAgain) {
  LocalHttpServer server;
  server.route("/robots.txt", LocalHttpServer::response(404, "text/plain", ""));
  server.route("/old", LocalHttpServer::redirect("/new?x=1", 301));
  server.route("/new", LocalHttpServer::response(200, "text/plain", "new"));
  server.route("/to-metadata", LocalHttpServer::redirect("http://169.254.169.254/latest/meta-data/"));
  server.route("/to-hex-loopback",
               LocalHttpServer::redirect("http://0x7f.1:" + std::to_string(server.port()) + "/new"));
  server.route("/to-ipv6-loopback",
               LocalHttpServer::redirect("http://[::1]:" + std::to_string(server.port()) + "/new"));
  server.route("/to-private", LocalHttpServer::redirect("http://10.0.0.7/admin"));
  server.route("/to-file", LocalHttpServer::redirect("file:///etc/passwd"));
  server.route("/loop", LocalHttpServer::redirect("/loop"));

  auto page = fetch(server.base() + "/old");
  EXPECT_EQ(page.text, "new");
  EXPECT_EQ(page.url, server.base() + "/new?x=1");

  for (std::string path : {"/to-metadata", "/to-hex-loopback", "/to-ipv6-loopback", "/to-private", "/to-file"}) {
    auto f = failure(server.base() + path);
    EXPECT_EQ(f.status, 403) << path << ": " << f.detail;
    EXPECT_EQ(f.type, "fetch-refused") << path;
  }
  // 127.0.0.1 is allowed, but no other spelling or address of loopback is: the refused
  // redirects pointed at /new, which was never requested.
  EXPECT_EQ(server.count("/new?x=1"), 1u);
  EXPECT_EQ(server.count("/new"), 0u);

  auto loop = failure(server.base() + "/loop");
  EXPECT_EQ(loop.status, 502);
  EXPECT_NE(loop.detail.find("more than 5 redirects"), std::string::npos);
  EXPECT_EQ(server.count("/loop"), 6u);  // the first request and five redirects; the sixth is not followed
}

TEST(Fetcher, SizeLimitsRefuseLargeBodiesWithOrWithoutALength) {
  LocalHttpServer server;
  server.route("/robots.txt", LocalHttpServer::response(404, "text/plain", ""));
  server.route("/big", LocalHttpServer::response(200, "text/plain", std::string(5000, 'x')));
  std::string chunked = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 10; ++i) chunked += "200\r\n" + std::string(512, 'y') + "\r\n";
  chunked += "0\r\n\r\n";
  server.route("/chunked", chunked);
  server.route("/small", LocalHttpServer::response(200, "text/plain", std::string(1000, 'z')));
  FetchPolicy p = local_policy();
  p.max_bytes = 1000;
  auto f = failure(server.base() + "/big", p);
  EXPECT_EQ(f.status, 413);
  EXPECT_EQ(f.type, "fetch-too-large");
  EXPECT_EQ(failure(server.base() + "/chunked", p).status, 413);
  EXPECT_EQ(fetch(server.base() + "/small", p).text.size(), 1000u);
  p.max_bytes = 6000;
  EXPECT_EQ(fetch(server.base() + "/chunked", p).text, std::string(5120, 'y'));
}

TEST(Fetcher, OnlyTextHtmlAndJsonAreReturned) {
  LocalHttpServer server;
  server.route("/robots.txt", LocalHttpServer::response(404, "text/plain", ""));
  server.route("/img", LocalHttpServer::response(200, "image/png", "\x89PNG...."));
  server.route("/none", LocalHttpServer::response(200, "", "?"));
  server.route("/gone", LocalHttpServer::response(410, "text/plain", "gone"));
  auto f = failure(server.base() + "/img");
  EXPECT_EQ(f.status, 403);
  EXPECT_NE(f.detail.find("image/png"), std::string::npos);
  EXPECT_EQ(failure(server.base() + "/none").status, 403);
  auto g = failure(server.base() + "/gone");
  EXPECT_EQ(g.status, 502);
  EXPECT_NE(g.detail.find("410"), std::string::npos);
}

TEST(Fetcher, LoopbackIsRefusedWithoutTheOperatorsAllowList) {
  LocalHttpServer server;
  server.route("/a", LocalHttpServer::response(200, "text/plain", "a"));
  auto f = failure(server.base() + "/a", FetchPolicy{});
  EXPECT_EQ(f.status, 403);
  EXPECT_TRUE(server.requests().empty());
  // "localhost" is loopback by definition (RFC 6761), refused before any lookup.
  EXPECT_EQ(failure("http://localhost:" + std::to_string(server.port()) + "/a", FetchPolicy{}).status, 403);
  EXPECT_TRUE(server.requests().empty());
}

TEST(Fetcher, ANameThatResolvesToLoopbackIsRefusedByItsAddress) {
  // Any /etc/hosts name for 127.x other than localhost: only its resolved address can refuse it.
  std::ifstream hosts("/etc/hosts");
  std::string line, name;
  while (name.empty() && std::getline(hosts, line)) {
    std::istringstream words(line);
    std::string address, n;
    words >> address;
    if (address.rfind("127.", 0) != 0) continue;
    while (words >> n)
      if (n != "localhost" && n.find("localhost") == std::string::npos && n[0] != '#') {
        name = n;
        break;
      }
  }
  if (name.empty()) GTEST_SKIP() << "no /etc/hosts name for 127.x other than localhost";
  LocalHttpServer server;
  server.route("/a", LocalHttpServer::response(200, "text/plain", "a"));
  auto f = failure("http://" + name + ":" + std::to_string(server.port()) + "/a", FetchPolicy{});
  EXPECT_EQ(f.status, 403);
  EXPECT_NE(f.detail.find("resolves to 127."), std::string::npos) << f.detail;
  EXPECT_TRUE(server.requests().empty());
  // The operator's allow-list names the address: then the name is fine.
  FetchPolicy allowed;
  allowed.allowed_private_hosts = {"127.0.0.1"};
  allowed.obey_robots = false;
  EXPECT_EQ(fetch("http://" + name + ":" + std::to_string(server.port()) + "/a", allowed).text, "a");
}

TEST(Fetcher, RefusedUrlSpellings) {
  // Every one is refused before a connection is attempted (no server listens on most of them).
  const char* urls[] = {
      "http://127.0.0.1/",
      "http://2130706433/",
      "http://0177.0.0.1/",
      "http://0x7f.1/",
      "http://127.1/",
      "http://0x7f000001/",
      "http://017700000001/",
      "http://0x7F.0.0.1/",
      "http://127.0.0.1./",
      "http://127.000.000.001/",
      "http://0/",
      "http://0.0.0.0/",
      "http://[::1]/",
      "http://[::]/",
      "http://[::ffff:127.0.0.1]/",
      "http://[::ffff:7f00:1]/",
      "http://[0:0:0:0:0:ffff:a9fe:a9fe]/",
      "http://[::127.0.0.1]/",
      "http://[64:ff9b::7f00:1]/",
      "http://[2002:7f00:1::1]/",
      "http://[2001::1]/",
      "http://169.254.169.254/latest/meta-data/",
      "http://2852039166/",
      "http://0xa9fea9fe/",
      "http://[fe80::1]/",
      "http://[fe80::1%25eth0]/",
      "http://[fc00::1]/",
      "http://[fd12:3456::1]/",
      "http://10.0.0.1/",
      "http://10.1/",
      "http://172.16.5.4/",
      "http://172.31.255.255/",
      "http://192.168.1.1/",
      "http://100.64.0.1/",
      "http://100.127.255.254/",
      "http://224.0.0.1/",
      "http://255.255.255.255/",
      "http://[ff02::1]/",
      "http://198.18.0.1/",
      "http://localhost/",
      "http://LOCALHOST./",
      "http://api.localhost/",
      "http://user:pass@example.com/",
      "http://example.com@127.0.0.1/",
      "file:///etc/passwd",
      "gopher://example.com/",
      "ftp://example.com/",
      "http://256.1.1.1/",
      "http://1.2.3.4.5/",
      "http://0x100000000/",
      "http://08.0.0.1/",
  };
  for (const char* url : urls) {
    auto f = failure(url, FetchPolicy{});
    EXPECT_EQ(f.status, 403) << url << " → " << f.status << " " << f.detail;
    EXPECT_EQ(f.type, "fetch-refused") << url;
  }
  // Malformed URLs are 502 fetch-failed, not a crash.
  for (const char* url : {"", "not a url", "http://", "http://[::1/", "http://exa mple.com/", "http://a:99999/"}) {
    EXPECT_EQ(failure(url, FetchPolicy{}).status, 502) << url;
  }
}

TEST(FetchTarget, Ipv4SpellingsAreReadLikeInetAton) {
  EXPECT_EQ(parse_ipv4_any_spelling("2130706433"), 0x7F000001u);
  EXPECT_EQ(parse_ipv4_any_spelling("0177.0.0.1"), 0x7F000001u);
  EXPECT_EQ(parse_ipv4_any_spelling("0x7f.1"), 0x7F000001u);
  EXPECT_EQ(parse_ipv4_any_spelling("127.1"), 0x7F000001u);
  EXPECT_EQ(parse_ipv4_any_spelling("127.0.1"), 0x7F000001u);
  EXPECT_EQ(parse_ipv4_any_spelling("1.2.3.4"), 0x01020304u);
  EXPECT_EQ(parse_ipv4_any_spelling("1.2.3.4."), 0x01020304u);
  EXPECT_FALSE(parse_ipv4_any_spelling("256.1.1.1"));
  EXPECT_FALSE(parse_ipv4_any_spelling("1.2.3.4.5"));
  EXPECT_FALSE(parse_ipv4_any_spelling("08"));
  EXPECT_FALSE(parse_ipv4_any_spelling("example.com"));
  EXPECT_FALSE(parse_ipv4_any_spelling("1..2"));
  EXPECT_FALSE(parse_ipv4_any_spelling("1.2.65536"));
}

TEST(FetchTarget, PublicAddresses) {
  auto pub = [](const char* a) { return is_public_address(boost::asio::ip::make_address(a)); };
  EXPECT_TRUE(pub("8.8.8.8"));
  EXPECT_TRUE(pub("93.184.216.34"));
  EXPECT_TRUE(pub("100.63.255.255"));  // just below CGNAT
  EXPECT_TRUE(pub("172.32.0.1"));      // just above 172.16/12
  EXPECT_TRUE(pub("2606:4700:4700::1111"));
  EXPECT_FALSE(pub("100.64.0.0"));
  EXPECT_FALSE(pub("169.254.169.254"));
  EXPECT_FALSE(pub("::ffff:8.8.8.8"));  // mapped: refused whatever it maps to
  EXPECT_FALSE(pub("2001:db8::1"));
}

TEST(FetchTarget, RedirectLocationsResolveAgainstTheBase) {
  auto base = parse_fetch_url("https://example.com/a/b/page?x=1#frag");
  EXPECT_EQ(base.target, "/a/b/page?x=1");
  EXPECT_EQ(resolve_redirect(base, "/root").str(), "https://example.com/root");
  EXPECT_EQ(resolve_redirect(base, "other").str(), "https://example.com/a/b/other");
  EXPECT_EQ(resolve_redirect(base, "?y=2").str(), "https://example.com/a/b/page?y=2");
  EXPECT_EQ(resolve_redirect(base, "//cdn.example.net/x").str(), "https://cdn.example.net/x");
  EXPECT_EQ(resolve_redirect(base, "http://example.org:8080").str(), "http://example.org:8080/");
  EXPECT_EQ(parse_fetch_url("HTTP://Example.COM:80").str(), "http://example.com/");
}
