#include "modules/ai/tools/robots.h"

#include <algorithm>

namespace tc::ai::tools {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// '*' matches any run, a final '$' anchors the end; otherwise a prefix match.
// Iterative with one backtrack point, O(path · pattern) at worst.
bool matches(std::string_view pattern, std::string_view path) {
  bool anchored = !pattern.empty() && pattern.back() == '$';
  if (anchored) pattern.remove_suffix(1);
  std::size_t p = 0, s = 0, star = std::string_view::npos, mark = 0;
  while (s < path.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = s;
    } else if (p < pattern.size() && pattern[p] == path[s]) {
      ++p;
      ++s;
    } else if (p == pattern.size() && !anchored) {
      return true;  // the pattern is a prefix of the path
    } else if (star != std::string_view::npos) {
      p = star + 1;
      s = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace

RobotsRules RobotsRules::allow_all() { return {}; }

RobotsRules RobotsRules::disallow_all() {
  RobotsRules r;
  r.disallow_everything_ = true;
  return r;
}

RobotsRules RobotsRules::parse(std::string_view body, std::string_view user_agent) {
  body = body.substr(0, 512u << 10);
  std::string token = lower(user_agent.substr(0, user_agent.find('/')));
  struct Group {
    std::vector<std::string> agents;
    std::vector<Rule> rules;
  };
  std::vector<Group> groups;
  bool last_was_agent = false;
  std::size_t pos = 0;
  while (pos < body.size()) {
    std::size_t eol = body.find('\n', pos);
    std::string_view line = body.substr(pos, eol == std::string_view::npos ? std::string_view::npos : eol - pos);
    pos = eol == std::string_view::npos ? body.size() : eol + 1;
    line = trim(line.substr(0, line.find('#')));
    auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string key = lower(trim(line.substr(0, colon)));
    std::string_view value = trim(line.substr(colon + 1));
    if (key == "user-agent") {
      if (!last_was_agent || groups.empty()) groups.emplace_back();
      groups.back().agents.push_back(lower(value));
      last_was_agent = true;
    } else if (key == "allow" || key == "disallow") {
      last_was_agent = false;
      if (groups.empty() || value.empty()) continue;  // "Disallow:" with nothing allows all
      if (value.size() > 1024) value = value.substr(0, 1024);
      groups.back().rules.push_back({key == "allow", std::string(value)});
    } else {
      last_was_agent = false;  // sitemap, crawl-delay, …: ends a run of user-agent lines
    }
  }
  // The groups naming our token (all of them, merged); else the "*" groups.
  RobotsRules out;
  bool specific = false;
  for (const auto& g : groups)
    for (const auto& a : g.agents)
      if (a != "*" && !token.empty() && token.rfind(a, 0) == 0) specific = true;
  for (const auto& g : groups) {
    bool take = false;
    for (const auto& a : g.agents) take = take || (specific ? (a != "*" && token.rfind(a, 0) == 0) : a == "*");
    if (take) out.rules_.insert(out.rules_.end(), g.rules.begin(), g.rules.end());
  }
  return out;
}

bool RobotsRules::allowed(std::string_view path) const {
  if (path == "/robots.txt") return true;
  if (disallow_everything_) return false;
  std::size_t best = 0;
  bool allow = true, found = false;
  for (const auto& r : rules_) {
    if (!matches(r.pattern, path)) continue;
    if (!found || r.pattern.size() > best || (r.pattern.size() == best && r.allow)) {
      allow = r.allow;
      best = r.pattern.size();
      found = true;
    }
  }
  return allow;
}

}  // namespace tc::ai::tools
