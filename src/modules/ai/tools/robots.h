// robots.txt (RFC 9309): the group for our product token (or "*"), Allow/Disallow
// rules with '*' and '$', the longest matching rule deciding and Allow winning ties.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tc::ai::tools {

class RobotsRules {
 public:
  // Everything allowed (no robots.txt, or a 4xx for it).
  static RobotsRules allow_all();
  // Everything disallowed (robots.txt answered 5xx: the site is not ready for us).
  static RobotsRules disallow_all();
  // Parses at most the first 512 KiB of `body` for `user_agent` (its product token,
  // the part before '/', is what groups are matched against, case-insensitively).
  static RobotsRules parse(std::string_view body, std::string_view user_agent);

  // `path_and_query` starts with '/'. "/robots.txt" is always allowed.
  bool allowed(std::string_view path_and_query) const;

 private:
  struct Rule {
    bool allow = false;
    std::string pattern;
  };
  std::vector<Rule> rules_;
  bool disallow_everything_ = false;
};

}  // namespace tc::ai::tools
