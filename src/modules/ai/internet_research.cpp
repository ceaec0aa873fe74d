#include "modules/ai/internet_research.h"

#include "core/config.h"
#include "core/errors.h"
#include "core/log.h"

namespace tc::ai {

namespace json = boost::json;

std::optional<InternetResearchConfig> internet_research_config(const Config& config) {
  const auto& url = config.str("ai.web_search.searxng_url");
  if (url.empty()) return std::nullopt;
  InternetResearchConfig c;
  c.searxng.base_url = url;
  c.searxng.timeout = config.duration("ai.web_search.endpoint_timeout");
  c.research.max_sources = static_cast<std::size_t>(config.integer("ai.web_search.max_sources"));
  c.research.budget = config.duration("ai.web_search.budget");
  c.research.fetch.timeout = config.duration("ai.fetch.timeout");
  c.research.fetch.max_bytes = static_cast<std::size_t>(config.size("ai.fetch.max_bytes"));
  c.research.fetch.allowed_private_hosts = config.list("ai.fetch.allowed_private_hosts");
  c.research.fetch.ca_file = config.str("ai.fetch.ca_file");
  c.searxng.timeout = std::min(c.searxng.timeout, c.research.budget);
  // A malformed endpoint URL is a start-up error, not a failure at the first question.
  (void)tools::make_searxng_backend(c.searxng);
  return c;
}

void add_internet_research_keys(ConfigSchema& schema) {
  using K = ConfigKind;
  schema.add({.key = "ai.web_search.searxng_url",
              .kind = K::url,
              .default_value = "",
              .help = "Deep Web Search on the internet through this SearXNG instance (its JSON API, "
                      "search?format=json); empty: the mode searches the platform's own content",
              .allowed = {"http", "https"}});
  schema.add({.key = "ai.web_search.max_sources",
              .kind = K::integer,
              .default_value = "5",
              .help = "search results whose pages are fetched and cited per search",
              .min = 1,
              .max = 10});
  schema.add({.key = "ai.web_search.budget",
              .kind = K::duration,
              .default_value = "20s",
              .help = "one whole search: the endpoint and every page (pages not reached keep their snippet)",
              .min = 1000,
              .max = 120'000});
  schema.add({.key = "ai.web_search.endpoint_timeout",
              .kind = K::duration,
              .default_value = "8s",
              .help = "the SearXNG request itself; on failure the search answers from the platform's content",
              .min = 100,
              .max = 60'000});
  schema.add({.key = "ai.fetch.timeout",
              .kind = K::duration,
              .default_value = "10s",
              .help = "one page fetch, its redirects and robots.txt included",
              .min = 100,
              .max = 60'000});
  schema.add({.key = "ai.fetch.max_bytes",
              .kind = K::size,
              .default_value = "2MiB",
              .help = "body bytes of one fetched page; a larger page is not used",
              .min = 1024,
              .max = 64LL << 20});
  schema.add({.key = "ai.fetch.allowed_private_hosts",
              .kind = K::list,
              .default_value = "",
              .help = "hosts (exactly as written in a URL, or IP literals) the fetcher may reach although "
                      "they are private or loopback; every other non-public address is refused"});
  schema.add({.key = "ai.fetch.ca_file",
              .kind = K::string,
              .default_value = "",
              .help = "extra PEM CA bundle for fetched https pages (empty: the system's trust store)"});
}

WebResearch internet_research(InternetResearchConfig config, WebResearch platform) {
  auto backend = tools::make_searxng_backend(config.searxng);
  return [backend, config = std::move(config), platform = std::move(platform)](
             std::string query, ToolContext ctx) -> boost::asio::awaitable<json::object> {
    std::string failure;
    try {
      auto result = co_await tools::research(backend, query, config.research);
      co_return tools::to_json(result);
    } catch (const Error& e) {
      if (e.type() != "search-failed") throw;
      failure = e.what();
    }
    // (Outside the handler: no co_await inside a catch block.)
    log::warn("web search endpoint failed; answering from the platform's content", {{"error", failure}});
    auto result = co_await platform(std::move(query), std::move(ctx));
    result["fallback"] = "The internet search failed (" + failure + "); these sources are the platform's own content.";
    co_return result;
  };
}

}  // namespace tc::ai
