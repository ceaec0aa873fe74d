#include "modules/ai/tools/web_search.h"

#include "core/errors.h"
#include "modules/ai/tools/fetch_target.h"

#include <boost/json/parse.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <set>

namespace tc::ai::tools {
namespace {

namespace asio = boost::asio;

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool word_byte(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

const std::set<std::string>& stop_words() {
  static const std::set<std::string> words{"a",    "an",   "and",  "are",  "as",   "at",   "be",    "by",    "for",
                                           "from", "how",  "in",   "is",   "it",   "of",   "on",    "or",    "that",
                                           "the",  "this", "to",   "was",  "what", "when", "where", "which", "who",
                                           "why",  "will", "with", "does", "do",   "vs",   "about"};
  return words;
}

std::vector<std::string> terms_of(std::string_view text) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && !word_byte(static_cast<unsigned char>(text[i]))) ++i;
    std::size_t b = i;
    while (i < text.size() && word_byte(static_cast<unsigned char>(text[i]))) ++i;
    if (i > b) {
      std::string w = lower(text.substr(b, i - b));
      if (w.size() >= 2 && !stop_words().count(w)) out.push_back(std::move(w));
    }
  }
  return out;
}

std::size_t utf8_cut(std::string_view s, std::size_t max) {
  if (s.size() <= max) return s.size();
  std::size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return n;
}

// Paragraphs, and long paragraphs cut into windows at sentence ends (or spaces)
// of at most `max_chars` bytes.
std::vector<std::string> chunks_of(std::string_view text, std::size_t max_chars) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < text.size() && out.size() < 5000) {
    std::size_t end = text.find('\n', pos);
    std::string_view para = text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    pos = end == std::string_view::npos ? text.size() : end + 1;
    while (!para.empty()) {
      while (!para.empty() && para.front() == ' ') para.remove_prefix(1);
      if (para.empty()) break;
      std::size_t n = para.size();
      if (n > max_chars) {
        std::size_t cut = utf8_cut(para, max_chars);
        std::size_t sentence = para.substr(0, cut).rfind(". ");
        std::size_t space = para.substr(0, cut).rfind(' ');
        n = sentence != std::string_view::npos && sentence > max_chars / 3 ? sentence + 1
            : space != std::string_view::npos && space > 0                 ? space
                                                                           : cut;
        if (n == 0) n = cut > 0 ? cut : para.size();
      }
      out.emplace_back(para.substr(0, n));
      para.remove_prefix(n);
    }
  }
  return out;
}

std::string url_encode(std::string_view s) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '_' ||
        c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

[[noreturn]] void search_failed(const std::string& detail) {
  throw Error(502, "search-failed", "Search failed", detail);
}

class SearxngBackend final : public SearchBackend {
 public:
  explicit SearxngBackend(SearxngConfig config) : config_(std::move(config)) {
    while (!config_.base_url.empty() && config_.base_url.back() == '/') config_.base_url.pop_back();
    host_ = parse_fetch_url(config_.base_url + "/").host;  // throws for a malformed base URL
  }
  std::string name() const override { return "searxng"; }

  asio::awaitable<std::vector<SearchHit>> search(std::string query, std::size_t limit) override {
    FetchPolicy policy;
    policy.max_bytes = config_.max_bytes;
    policy.timeout = config_.timeout;
    policy.max_redirects = 0;
    policy.obey_robots = false;  // the operator's own endpoint
    policy.user_agent = config_.user_agent;
    policy.allowed_private_hosts = {host_};
    FetchedPage page;
    try {
      page = co_await fetch_page(config_.base_url + "/search?q=" + url_encode(query) + "&format=json", policy);
    } catch (const Error& e) {
      search_failed("the search endpoint failed: " + std::string(e.what()));
    }
    boost::system::error_code ec;
    auto doc = boost::json::parse(page.text, ec);
    if (ec || !doc.is_object()) search_failed("the search endpoint did not answer a JSON object");
    const auto* results = doc.as_object().if_contains("results");
    if (!results || !results->is_array()) search_failed("the search endpoint's answer has no results array");
    std::vector<SearchHit> hits;
    std::set<std::string> seen;
    for (const auto& r : results->as_array()) {
      if (hits.size() >= limit) break;
      if (!r.is_object()) continue;
      const auto& o = r.as_object();
      auto str = [&](const char* key) {
        const auto* v = o.if_contains(key);
        return v && v->is_string() ? std::string(v->as_string()) : std::string();
      };
      SearchHit h{str("title").substr(0, 300), str("url"), str("content").substr(0, 1000), {}};
      std::string scheme = lower(h.url.substr(0, 8));
      if (h.url.size() > 4096 || !(scheme.starts_with("http://") || scheme.starts_with("https://"))) continue;
      if (!seen.insert(h.url).second) continue;
      hits.push_back(std::move(h));
    }
    co_return hits;
  }

 private:
  SearxngConfig config_;
  std::string host_;
};

}  // namespace

std::vector<std::string> relevant_passages(const std::string& text, const std::string& query, std::size_t count,
                                           std::size_t max_chars) {
  if (count == 0 || max_chars == 0) return {};
  auto chunks = chunks_of(text, max_chars);
  std::vector<std::string> wanted = terms_of(query);
  std::sort(wanted.begin(), wanted.end());
  wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
  struct Scored {
    double score;
    std::size_t index;
  };
  std::vector<Scored> scored;
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    auto terms = terms_of(chunks[i]);
    double score = 0;
    for (const auto& w : wanted) {
      auto n = static_cast<double>(std::count(terms.begin(), terms.end(), w));
      if (n > 0) score += 1.0 + std::log(n);  // each distinct term counts most; repeats a little
    }
    if (chunks[i].size() < 40) score *= 0.5;  // menu items and captions rank below sentences
    scored.push_back({score, i});
  }
  std::stable_sort(scored.begin(), scored.end(), [](const Scored& a, const Scored& b) { return a.score > b.score; });
  std::vector<std::string> out;
  bool any_match = !scored.empty() && scored.front().score > 0;
  for (const auto& s : scored) {
    if (out.size() >= count) break;
    if (any_match && s.score <= 0) break;
    out.push_back(chunks[s.index]);
  }
  if (!any_match) {  // nothing matched: the opening of the page is the best guess
    out.clear();
    for (std::size_t i = 0; i < chunks.size() && out.size() < count; ++i) out.push_back(chunks[i]);
  }
  return out;
}

std::shared_ptr<SearchBackend> make_searxng_backend(SearxngConfig config) {
  return std::make_shared<SearxngBackend>(std::move(config));
}

asio::awaitable<ResearchResult> research(std::shared_ptr<SearchBackend> backend, std::string query,
                                         ResearchOptions options) {
  ResearchResult result;
  result.query = query;
  result.backend = backend->name();
  using Clock = std::chrono::steady_clock;
  const auto deadline = options.budget.count() > 0 ? Clock::now() + options.budget : Clock::time_point::max();
  auto hits = co_await backend->search(query, options.max_sources);
  for (auto& hit : hits) {
    if (result.sources.size() >= options.max_sources) break;
    ResearchSource src;
    src.number = static_cast<int>(result.sources.size()) + 1;
    src.title = std::move(hit.title);
    src.url = std::move(hit.url);
    src.snippet = std::move(hit.snippet);
    if (!hit.content.empty()) {
      src.passages = relevant_passages(hit.content, query, options.passages_per_source, options.passage_chars);
    } else if (const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
               left.count() <= 0) {
      src.error = "fetch-skipped: the research time budget ran out";
      if (!src.snippet.empty()) src.passages.push_back(src.snippet);
    } else {
      auto policy = options.fetch;
      policy.timeout = std::min(policy.timeout, left);
      try {
        FetchedPage page = co_await fetch_page(src.url, std::move(policy));
        if (src.title.empty()) src.title = page.title;
        src.passages = relevant_passages(page.text, query, options.passages_per_source, options.passage_chars);
      } catch (const Error& e) {
        src.error = e.type() + ": " + e.what();
      }
      if (src.passages.empty() && !src.snippet.empty()) src.passages.push_back(src.snippet);
    }
    result.sources.push_back(std::move(src));
  }
  co_return result;
}

boost::json::object to_json(const ResearchResult& result) {
  boost::json::array sources;
  for (const auto& s : result.sources) {
    boost::json::array passages;
    for (const auto& p : s.passages) passages.push_back(boost::json::string(p));
    boost::json::object o{{"number", s.number},   {"citation", "[" + std::to_string(s.number) + "]"},
                          {"title", s.title},     {"url", s.url},
                          {"snippet", s.snippet}, {"passages", std::move(passages)}};
    if (!s.error.empty()) o["error"] = s.error;
    sources.push_back(std::move(o));
  }
  return {{"query", result.query}, {"backend", result.backend}, {"sources", std::move(sources)}};
}

}  // namespace tc::ai::tools
