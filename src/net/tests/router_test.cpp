#include "net/router.h"

#include <gtest/gtest.h>

namespace tc::http {
namespace {

Handler noop() {
  return [](Request) -> boost::asio::awaitable<Response> { co_return Response::empty(204); };
}

TEST(Router, MatchesPathParametersAndPrefersLiterals) {
  Router r;
  r.add("GET", "/api/v1/rooms/{id}", noop(), {.summary = "room"});
  r.add("GET", "/api/v1/rooms/mine", noop(), {.summary = "mine"});
  r.add("POST", "/api/v1/rooms/{id}/join", noop(), {.summary = "join"});
  auto m = r.match("GET", "/api/v1/rooms/42");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->pattern, "/api/v1/rooms/{id}");
  ASSERT_EQ(m.params.size(), 1u);
  EXPECT_EQ(m.params[0], (std::pair<std::string, std::string>{"id", "42"}));
  m = r.match("GET", "/api/v1/rooms/mine");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->pattern, "/api/v1/rooms/mine");
  m = r.match("POST", "/api/v1/rooms/7/join");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.params[0].second, "7");
}

TEST(Router, WrongMethodListsAllowedMethods) {
  Router r;
  r.add("GET", "/a", noop(), {.summary = "a"});
  r.add("POST", "/a", noop(), {.summary = "a"});
  auto m = r.match("DELETE", "/a");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_TRUE(m.path_known);
  EXPECT_EQ(m.allowed, (std::vector<std::string>{"GET", "HEAD", "POST", "OPTIONS"}));
  EXPECT_NE(r.match("HEAD", "/a").route, nullptr) << "HEAD is served by GET";
  auto none = r.match("GET", "/b");
  EXPECT_FALSE(none.path_known);
}

TEST(Router, RefusesDuplicatesAndMalformedPatterns) {
  Router r;
  r.add("GET", "/x/{id}", noop(), {});
  EXPECT_THROW(r.add("GET", "/x/{other}", noop(), {}), std::logic_error);
  EXPECT_THROW(r.add("GET", "/y/{bad", noop(), {}), std::logic_error);
  EXPECT_THROW(r.add("GET", "relative", noop(), {}), std::logic_error);
  EXPECT_NO_THROW(r.add("POST", "/x/{id}", noop(), {}));
}

TEST(Router, EmptySegmentsDoNotMatchParameters) {
  Router r;
  r.add("GET", "/x/{id}/y", noop(), {});
  EXPECT_EQ(r.match("GET", "/x//y").route, nullptr);
}

TEST(Router, BodyLimitIsTheLargestRouteLimit) {
  Router r;
  r.add("POST", "/small", noop(), {}, {.max_body_bytes = 10});
  r.add("POST", "/big", noop(), {}, {.max_body_bytes = 5000});
  EXPECT_EQ(r.max_body_limit(100), 5000u);
}

}  // namespace
}  // namespace tc::http
