// Deep Web Search on the internet: ai-tools' research() over the operator's SearXNG
// instance (`ai.web_search.searxng_url`), each hit's page fetched through the
// SSRF-safe fetcher (loopback, private and link-local targets refused in every
// spelling, redirects re-checked, robots.txt obeyed) within one time budget for the
// whole search. When the search endpoint fails the tool answers from the platform's
// own content instead, and says so in the result (`fallback`).
#pragma once

#include "modules/ai/tools.h"
#include "modules/ai/tools/web_search.h"

#include <chrono>
#include <optional>

namespace tc {
class Config;
class ConfigSchema;
}  // namespace tc

namespace tc::ai {

struct InternetResearchConfig {
  tools::SearxngConfig searxng;
  tools::ResearchOptions research;
  // The whole search: the endpoint and every page. Pages not reached in time keep
  // their search snippet and say why.
  std::chrono::milliseconds budget{20000};
};

// Reads the ai.web_search.* and ai.fetch.* keys; nullopt when no SearXNG URL is set.
std::optional<InternetResearchConfig> internet_research_config(const Config& config);
void add_internet_research_keys(ConfigSchema& schema);

// Research on the internet, falling back to `platform` when the search endpoint fails.
WebResearch internet_research(InternetResearchConfig config, WebResearch platform);

}  // namespace tc::ai
