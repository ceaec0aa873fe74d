#include "modules/ai/tools/robots.h"

#include <gtest/gtest.h>

using tc::ai::tools::RobotsRules;

TEST(Robots, TheGroupNamingOurTokenWinsOverTheStarGroup) {
  std::string body =
      "# comment\nUser-agent: *\nDisallow: /\n\nUser-agent: googlebot\nUser-agent: TradeChat-Research\n"
      "Disallow: /private   # trailing comment\nAllow: /private/ok\nSitemap: https://x/s.xml\n";
  auto ours = RobotsRules::parse(body, "tradechat-research/1");
  EXPECT_TRUE(ours.allowed("/"));
  EXPECT_FALSE(ours.allowed("/private"));
  EXPECT_FALSE(ours.allowed("/private/data"));
  EXPECT_TRUE(ours.allowed("/private/ok/1"));
  EXPECT_TRUE(ours.allowed("/robots.txt"));
  auto other = RobotsRules::parse(body, "otherbot/1");
  EXPECT_FALSE(other.allowed("/anything"));
  EXPECT_TRUE(other.allowed("/robots.txt"));
}

TEST(Robots, LongestMatchDecidesAndAllowWinsTies) {
  auto r = RobotsRules::parse("User-agent: *\nDisallow: /a\nAllow: /a/b\nDisallow: /a/b/c\nAllow: /x\nDisallow: /x\n",
                              "bot");
  EXPECT_FALSE(r.allowed("/a"));
  EXPECT_TRUE(r.allowed("/a/b"));
  EXPECT_FALSE(r.allowed("/a/b/c/d"));
  EXPECT_TRUE(r.allowed("/x"));  // same length: allow
  EXPECT_TRUE(r.allowed("/b"));
}

TEST(Robots, WildcardsAndEndAnchors) {
  auto r = RobotsRules::parse("User-agent: *\nDisallow: /*.pdf$\nDisallow: /search*q=\nDisallow: /*/tmp/\n", "bot");
  EXPECT_FALSE(r.allowed("/files/report.pdf"));
  EXPECT_TRUE(r.allowed("/files/report.pdf?download=1"));
  EXPECT_FALSE(r.allowed("/search?page=2&q=btc"));
  EXPECT_TRUE(r.allowed("/search?page=2"));
  EXPECT_FALSE(r.allowed("/a/b/tmp/x"));
  EXPECT_TRUE(r.allowed("/tmp/x"));
}

TEST(Robots, EmptyDisallowAndNoGroupsAllowEverything) {
  EXPECT_TRUE(RobotsRules::parse("User-agent: *\nDisallow:\n", "bot").allowed("/x"));
  EXPECT_TRUE(RobotsRules::parse("", "bot").allowed("/x"));
  EXPECT_TRUE(RobotsRules::parse("garbage\n\x01\x02 nonsense", "bot").allowed("/x"));
  EXPECT_TRUE(RobotsRules::parse("Disallow: /\n", "bot").allowed("/x"));  // a rule before any group is ignored
  EXPECT_FALSE(RobotsRules::disallow_all().allowed("/x"));
  EXPECT_TRUE(RobotsRules::allow_all().allowed("/x"));
}

TEST(Robots, CrLfAndPathologicalPatternsStayFast) {
  auto r = RobotsRules::parse("User-agent: *\r\nDisallow: /a*a*a*a*a*a*a*a*a*a*b\r\n", "bot");
  EXPECT_TRUE(r.allowed("/" + std::string(2000, 'a')));
  EXPECT_FALSE(r.allowed("/" + std::string(2000, 'a') + "b"));
}
