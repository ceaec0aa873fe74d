// The request and response types handlers see. They carry no Beast types, so a
// handler file compiles in about half a second (ARCHITECTURE §9).
#pragma once

#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tc::http {

using Headers = std::vector<std::pair<std::string, std::string>>;

// Case-insensitive header lookup (names are ASCII).
std::optional<std::string_view> find_header(const Headers& headers, std::string_view name);

struct Request {
  std::string method;  // upper case, as sent
  std::string target;  // raw request target
  std::string path;    // percent-decoded path (target before '?')
  std::string query;   // raw query string (after '?'), undecoded
  Headers headers;
  std::string body;
  std::vector<std::pair<std::string, std::string>> path_params;
  std::string request_id;
  std::string remote_addr;
  std::string route;  // the matched route pattern, e.g. "/api/v1/rooms/{id}"

  std::optional<std::string_view> header(std::string_view name) const { return find_header(headers, name); }
  // A path parameter by name; throws a 500 if the route has no such parameter.
  const std::string& param(std::string_view name) const;
  // The first value of a query parameter, percent-decoded.
  std::optional<std::string> query_param(std::string_view name) const;
  // The body parsed as JSON; 415 unless Content-Type is application/json, 400 with
  // the position of the error when it does not parse.
  boost::json::value json() const;
};

struct Response {
  int status = 200;
  Headers headers;
  std::string body;

  Response& set_header(std::string name, std::string value);
  std::optional<std::string_view> header(std::string_view name) const { return find_header(headers, name); }

  static Response json(const boost::json::value& v, int status = 200);
  static Response text(std::string body, std::string content_type, int status = 200);
  static Response empty(int status);
};

// Decodes %XX escapes; returns nullopt on a malformed escape. `plus_as_space` for
// query strings.
std::optional<std::string> percent_decode(std::string_view in, bool plus_as_space = false);

std::string_view reason_phrase(int status);

}  // namespace tc::http
