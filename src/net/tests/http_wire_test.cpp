#include "net/http_wire.h"

#include <gtest/gtest.h>

namespace tc::http {
namespace {

TEST(HttpWire, SerializesStatusHeadersLengthAndBody) {
  auto res = Response::text("{\"a\":1}", "application/json", 201);
  auto wire = serialize_response(std::move(res), 11, true, false);
  EXPECT_TRUE(wire.starts_with("HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nDate: ")) << wire;
  EXPECT_NE(wire.find("\r\nContent-Length: 7\r\n\r\n{\"a\":1}"), std::string::npos) << wire;
  EXPECT_EQ(wire.find("Connection:"), std::string::npos);
}

TEST(HttpWire, HeadKeepsLengthWithoutBodyAndCloseIsAnnounced) {
  auto wire = serialize_response(Response::text("hello", "text/plain"), 11, false, true);
  EXPECT_NE(wire.find("Content-Length: 5\r\n"), std::string::npos);
  EXPECT_NE(wire.find("Connection: close\r\n"), std::string::npos);
  EXPECT_TRUE(wire.ends_with("\r\n\r\n")) << "no body for HEAD";
  auto no_content = serialize_response(Response::empty(204), 11, true, false);
  EXPECT_EQ(no_content.find("Content-Length"), std::string::npos);
}

TEST(HttpWire, HeaderValuesCannotSplitTheResponse) {
  Response res = Response::empty(200);
  res.set_header("X-Evil", "a\r\nSet-Cookie: stolen=1");
  res.set_header("Content-Length", "999");  // the serializer owns framing headers
  auto wire = serialize_response(std::move(res), 11, true, false);
  EXPECT_EQ(wire.find("\r\nSet-Cookie"), std::string::npos) << wire;
  EXPECT_EQ(wire.find("999"), std::string::npos) << wire;
  EXPECT_NE(wire.find("Content-Length: 0\r\n"), std::string::npos) << wire;
}

}  // namespace
}  // namespace tc::http
