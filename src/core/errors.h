// Errors that carry an HTTP status and a problem type, mapped to one
// application/problem+json shape (RFC 9457) at the edge.
#pragma once

#include <boost/json/object.hpp>

#include <stdexcept>
#include <string>

namespace tc {

class Error : public std::runtime_error {
 public:
  // `type` is a short slug (e.g. "not-found"); the edge turns it into a URI.
  Error(int status, std::string type, std::string title, std::string detail = {})
      : std::runtime_error(detail.empty() ? title : detail),
        status_(status),
        type_(std::move(type)),
        title_(std::move(title)),
        detail_(std::move(detail)) {}

  int status() const noexcept { return status_; }
  const std::string& type() const noexcept { return type_; }
  const std::string& title() const noexcept { return title_; }
  const std::string& detail() const noexcept { return detail_; }
  // Extension members of the problem document (e.g. "errors", "retry_after").
  boost::json::object& extra() noexcept { return extra_; }
  const boost::json::object& extra() const noexcept { return extra_; }

  Error&& with(std::string_view key, boost::json::value v) && {
    extra_[key] = std::move(v);
    return std::move(*this);
  }

 private:
  int status_;
  std::string type_;
  std::string title_;
  std::string detail_;
  boost::json::object extra_;
};

namespace errors {
inline Error bad_request(std::string detail) { return {400, "bad-request", "Bad Request", std::move(detail)}; }
inline Error invalid_json(std::string detail) {
  return {400, "invalid-json", "Malformed JSON body", std::move(detail)};
}
inline Error validation(std::string detail) { return {422, "validation", "Invalid request fields", std::move(detail)}; }
inline Error unauthorized(std::string detail) { return {401, "unauthorized", "Unauthorized", std::move(detail)}; }
inline Error forbidden(std::string detail) { return {403, "forbidden", "Forbidden", std::move(detail)}; }
inline Error not_found(std::string detail) { return {404, "not-found", "Not Found", std::move(detail)}; }
inline Error conflict(std::string detail) { return {409, "conflict", "Conflict", std::move(detail)}; }
inline Error payload_too_large(std::string detail) {
  return {413, "payload-too-large", "Payload Too Large", std::move(detail)};
}
inline Error unsupported_media_type(std::string detail) {
  return {415, "unsupported-media-type", "Unsupported Media Type", std::move(detail)};
}
inline Error too_many_requests(std::string detail) {
  return {429, "too-many-requests", "Too Many Requests", std::move(detail)};
}
inline Error unavailable(std::string detail) { return {503, "unavailable", "Service Unavailable", std::move(detail)}; }
inline Error internal(std::string detail) { return {500, "internal", "Internal Server Error", std::move(detail)}; }
}  // namespace errors

}  // namespace tc
