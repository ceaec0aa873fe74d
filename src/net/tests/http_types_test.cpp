#include "net/http.h"
#include "net/static_files.h"

#include "core/errors.h"

#include <gtest/gtest.h>

namespace tc::http {
namespace {

TEST(PercentDecode, DecodesAndRejectsMalformedEscapes) {
  EXPECT_EQ(percent_decode("/a%20b"), "/a b");
  EXPECT_EQ(percent_decode("%2e%2E"), "..");
  EXPECT_EQ(percent_decode("a+b", true), "a b");
  EXPECT_EQ(percent_decode("a+b", false), "a+b");
  EXPECT_FALSE(percent_decode("%zz"));
  EXPECT_FALSE(percent_decode("abc%4"));
  EXPECT_FALSE(percent_decode("%"));
}

TEST(Request, QueryParametersAndHeaders) {
  Request r;
  r.query = "limit=10&from=2024-01-01T00%3A00%3A00Z&flag&q=a+b";
  r.headers = {{"content-type", "application/json"}};
  EXPECT_EQ(r.query_param("limit"), "10");
  EXPECT_EQ(r.query_param("from"), "2024-01-01T00:00:00Z");
  EXPECT_EQ(r.query_param("flag"), "");
  EXPECT_EQ(r.query_param("q"), "a b");
  EXPECT_FALSE(r.query_param("missing"));
  EXPECT_EQ(r.header("Content-Type"), "application/json");
}

TEST(Request, JsonBodyErrorsAreClear) {
  Request r;
  r.body = "{\"a\":";
  try {
    (void)r.json();
    FAIL() << "expected 415";
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), 415);
  }
  r.headers = {{"Content-Type", "application/json; charset=utf-8"}};
  try {
    (void)r.json();
    FAIL() << "expected 400";
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), 400);
    EXPECT_EQ(e.type(), "invalid-json");
  }
  r.body = std::string(100, '[') + std::string(100, ']');
  EXPECT_THROW((void)r.json(), Error) << "nesting is bounded";
  r.body = R"({"a":[1,2]})";
  EXPECT_EQ(r.json().at("a").as_array().size(), 2u);
}

TEST(StaticFiles, SafeRelativeRefusesEscapes) {
  EXPECT_EQ(StaticFiles::safe_relative("/assets/app.js")->string(), "assets/app.js");
  EXPECT_EQ(StaticFiles::safe_relative("/")->string(), "");
  EXPECT_EQ(StaticFiles::safe_relative("//etc/passwd")->string(), "etc/passwd") << "stays under the root";
  EXPECT_FALSE(StaticFiles::safe_relative("/../etc/passwd"));
  EXPECT_FALSE(StaticFiles::safe_relative("/assets/../../x"));
  EXPECT_FALSE(StaticFiles::safe_relative("/.env"));
  EXPECT_FALSE(StaticFiles::safe_relative("/a\\..\\b"));
  EXPECT_FALSE(StaticFiles::safe_relative(std::string_view("/a\0b", 4)));
  EXPECT_FALSE(StaticFiles::safe_relative("/C:/windows"));
}

TEST(StaticFiles, ContentTypes) {
  EXPECT_EQ(StaticFiles::content_type(".js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(StaticFiles::content_type(".svg"), "image/svg+xml");
  EXPECT_EQ(StaticFiles::content_type(".unknown"), "application/octet-stream");
}

}  // namespace
}  // namespace tc::http
