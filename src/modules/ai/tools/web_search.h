// Deep Web Search: research over several sources with numbered citations. A
// SearchBackend turns a query into hits; research() fetches the top hits through
// the SSRF-safe fetcher (or uses the text a backend already holds, such as the
// platform's own content), picks the passages most relevant to the query, and
// numbers the sources [1], [2], … in rank order so the model can cite them.
#pragma once

#include "modules/ai/tools/fetcher.h"

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace tc::ai::tools {

struct SearchHit {
  std::string title;
  std::string url;      // absolute http(s) URL, or a platform path such as "/rooms/abc"
  std::string snippet;  // the backend's short excerpt
  // The full text when the backend already has it (platform content): research()
  // then uses it instead of fetching `url`. Empty: fetch `url`.
  std::string content;
};

class SearchBackend {
 public:
  virtual ~SearchBackend() = default;
  // A short name for logs and the tool result ("searxng", "platform").
  virtual std::string name() const = 0;
  // At most `limit` hits, best first. Throws tc::Error (502 "search-failed" for an
  // unreachable or malformed backend).
  virtual boost::asio::awaitable<std::vector<SearchHit>> search(std::string query, std::size_t limit) = 0;
};

// A SearXNG-compatible JSON endpoint (`GET <base_url>/search?q=…&format=json`,
// answering {"results":[{"title","url","content"}…]}), configured by the operator.
struct SearxngConfig {
  std::string base_url;  // e.g. "http://127.0.0.1:8888"; the operator's own instance
  std::chrono::milliseconds timeout{8000};
  std::size_t max_bytes = 1 << 20;
  // The endpoint is usually on the operator's private network: it is fetched with
  // its host allowed even when private. Result URLs are never allowed that way.
  std::string user_agent = "tradechat-research/1";
};
std::shared_ptr<SearchBackend> make_searxng_backend(SearxngConfig config);

struct ResearchOptions {
  std::size_t max_sources = 5;          // hits fetched and cited
  std::size_t passages_per_source = 3;  // most relevant passages kept per source
  std::size_t passage_chars = 600;      // at most this many bytes per passage
  FetchPolicy fetch;                    // for the hits' pages
  // The whole research, search included (0: only each fetch's own timeout). A page
  // not reached in time keeps its snippet, with error "fetch-skipped: …".
  std::chrono::milliseconds budget{0};
};

struct ResearchSource {
  int number = 0;  // the citation number, [number]
  std::string title;
  std::string url;
  std::string snippet;
  std::vector<std::string> passages;  // best first; empty when the fetch failed
  std::string error;                  // why the page could not be used ("fetch-refused: …"), else empty
};

struct ResearchResult {
  std::string query;
  std::string backend;
  std::vector<ResearchSource> sources;  // numbered 1…n in rank order
};

// Searches, fetches the top hits one after another (each within `options.fetch`)
// and extracts passages. A hit whose page cannot be fetched is
// kept with its snippet as the only passage and `error` set, so one refused or dead
// link never fails the whole search. Throws what the backend throws.
boost::asio::awaitable<ResearchResult> research(std::shared_ptr<SearchBackend> backend, std::string query,
                                                ResearchOptions options);

// The passages of `text` most relevant to `query` (term overlap, stop words
// ignored), best first, each at most `max_chars` bytes cut on a UTF-8 boundary.
std::vector<std::string> relevant_passages(const std::string& text, const std::string& query, std::size_t count,
                                           std::size_t max_chars);

// {"query","backend","sources":[{"number","title","url","snippet","passages":[…],"error"?}]}
// — the tool result the model sees (frame it with untrusted.h).
boost::json::object to_json(const ResearchResult& result);

}  // namespace tc::ai::tools
