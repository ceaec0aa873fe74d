// An HTTP/1.1 client for responses that stream (server-sent events from language
// model providers): the status and headers first, then the body piece by piece as
// it arrives, chunked or not. http:// and https:// (TLS with SNI and certificate
// verification against the system store). Beast stays in the .cpp; callers see
// only Asio awaitables (ARCHITECTURE §9).
//
// Cancellation: every read is an Asio operation of the calling coroutine, so a
// cancellation signal bound to the coroutine (terminal or total) aborts it; the
// connection is then closed, which tells the peer to stop. Timeouts are per
// operation (connect, and each read) and end the connection with kind `timeout`.
#pragma once

#include "net/http.h"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace tc::http {

struct ClientUrl {
  bool tls = false;
  std::string host;
  std::string port;
  std::string target;  // path and query, "/" at least
};
// http://host[:port]/path or https://…, IPv6 hosts in brackets; nullopt when malformed.
std::optional<ClientUrl> parse_client_url(std::string_view url);

struct ClientRequest {
  std::string method = "POST";
  ClientUrl url;
  Headers headers;  // Host, Content-Length and User-Agent are added
  std::string body;
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds read_timeout{60'000};  // for the headers, then between body pieces
  std::size_t max_header_bytes = std::size_t{64} * 1024;
};

// Failures below HTTP: the router falls back on all of them. The message names the
// host and what went wrong, never a header value (keys travel in headers).
class ClientError : public std::runtime_error {
 public:
  enum class Kind { resolve, connect, tls, timeout, io, protocol, cancelled };
  ClientError(Kind kind, const std::string& what) : std::runtime_error(what), kind_(kind) {}
  Kind kind() const noexcept { return kind_; }

 private:
  Kind kind_;
};

class StreamingResponse {
 public:
  struct Impl;
  explicit StreamingResponse(std::unique_ptr<Impl> impl);
  ~StreamingResponse();
  StreamingResponse(const StreamingResponse&) = delete;
  StreamingResponse& operator=(const StreamingResponse&) = delete;

  int status() const noexcept;
  const Headers& headers() const noexcept;
  std::optional<std::string_view> header(std::string_view name) const { return find_header(headers(), name); }

  // The next piece of the body as it arrived; nullopt once the body is complete.
  // A body cut short (connection closed mid-chunk or before Content-Length)
  // throws ClientError io.
  boost::asio::awaitable<std::optional<std::string>> read();
  // Reads the rest of the body up to `limit` bytes (error bodies); a longer body
  // is truncated.
  boost::asio::awaitable<std::string> read_all(std::size_t limit);
  // Closes the connection now (also done by the destructor).
  void close() noexcept;

 private:
  std::unique_ptr<Impl> impl_;
};

// Connects, sends the request and reads the response headers. Throws ClientError.
boost::asio::awaitable<std::unique_ptr<StreamingResponse>> open_stream(ClientRequest request);

}  // namespace tc::http
