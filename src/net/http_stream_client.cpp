#include "net/http_stream_client.h"

#include <openssl/ssl.h>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <variant>

namespace tc::http {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

std::optional<ClientUrl> parse_client_url(std::string_view url) {
  ClientUrl out;
  if (url.starts_with("https://")) {
    out.tls = true;
    url.remove_prefix(8);
  } else if (url.starts_with("http://")) {
    url.remove_prefix(7);
  } else {
    return std::nullopt;
  }
  const auto slash = url.find_first_of("/?#");
  std::string_view authority = url.substr(0, slash);
  out.target = slash == std::string_view::npos ? "/" : std::string(url.substr(slash));
  if (out.target.front() != '/') out.target.insert(out.target.begin(), '/');
  if (const auto hash = out.target.find('#'); hash != std::string::npos) out.target.resize(hash);
  if (authority.find('@') != std::string_view::npos) return std::nullopt;  // no userinfo: keys go in headers
  std::string_view port;
  if (authority.starts_with("[")) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    out.host = std::string(authority.substr(1, close - 1));
    const auto rest = authority.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return std::nullopt;
      port = rest.substr(1);
    }
  } else {
    const auto colon = authority.rfind(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  out.port = port.empty() ? (out.tls ? "443" : "80") : std::string(port);
  if (out.host.empty()) return std::nullopt;
  for (char c : out.port) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  for (char c : out.host) {
    if (static_cast<unsigned char>(c) <= ' ' || c == '/' || c == '\\') return std::nullopt;
  }
  return out;
}

namespace {

using PlainStream = beast::tcp_stream;
using TlsStream = asio::ssl::stream<beast::tcp_stream>;

asio::ssl::context& tls_context() {
  static asio::ssl::context ctx = [] {
    asio::ssl::context c(asio::ssl::context::tls_client);
    c.set_default_verify_paths();
    c.set_verify_mode(asio::ssl::verify_peer);
    return c;
  }();
  return ctx;
}

}  // namespace

struct StreamingResponse::Impl {
  std::string host;
  std::chrono::milliseconds read_timeout{};
  std::variant<std::monostate, PlainStream, TlsStream> stream;
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  Headers headers;
  int status = 0;
  bool done = false;

  beast::tcp_stream& lowest() {
    if (auto* p = std::get_if<PlainStream>(&stream)) return *p;
    return beast::get_lowest_layer(std::get<TlsStream>(stream));
  }
  void close() noexcept {
    if (std::holds_alternative<std::monostate>(stream)) return;
    beast::error_code ignored;
    lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
    lowest().socket().close(ignored);
  }

  // Turns a failed operation into a ClientError; cancellation wins over the
  // error the aborted operation reported.
  asio::awaitable<void> check(beast::error_code ec, const char* what) {
    if (!ec) co_return;
    close();
    const auto state = co_await asio::this_coro::cancellation_state;
    if (state.cancelled() != asio::cancellation_type::none) {
      throw ClientError(ClientError::Kind::cancelled, "cancelled");
    }
    if (ec == beast::error::timeout) throw ClientError(ClientError::Kind::timeout, host + ": " + what + " timed out");
    const bool protocol = ec.category() == bhttp::make_error_code(bhttp::error::body_limit).category() &&
                          ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message;
    throw ClientError(protocol ? ClientError::Kind::protocol : ClientError::Kind::io,
                      host + ": " + what + ": " + ec.message());
  }

  // A cancellation emitted while no operation was in flight is only recorded in
  // the coroutine's state: look before starting each operation.
  asio::awaitable<void> stop_if_cancelled() {
    const auto state = co_await asio::this_coro::cancellation_state;
    if (state.cancelled() == asio::cancellation_type::none) co_return;
    close();
    throw ClientError(ClientError::Kind::cancelled, "cancelled");
  }

  template <class F>
  auto visit(F& f) {
    if (auto* p = std::get_if<PlainStream>(&stream)) return f(*p);
    return f(std::get<TlsStream>(stream));
  }
};

StreamingResponse::StreamingResponse(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
StreamingResponse::~StreamingResponse() { close(); }
int StreamingResponse::status() const noexcept { return impl_->status; }
const Headers& StreamingResponse::headers() const noexcept { return impl_->headers; }
void StreamingResponse::close() noexcept {
  if (impl_) impl_->close();
}

asio::awaitable<std::optional<std::string>> StreamingResponse::read() {
  auto& impl = *impl_;
  for (;;) {
    if (!impl.parser.get().body().empty()) {
      std::string piece = std::move(impl.parser.get().body());
      impl.parser.get().body().clear();
      co_return piece;
    }
    if (impl.done || impl.parser.is_done()) {
      impl.done = true;
      co_return std::nullopt;
    }
    co_await impl.stop_if_cancelled();
    impl.lowest().expires_after(impl.read_timeout);
    beast::error_code ec;
    auto read_some = [&](auto& s) {
      return bhttp::async_read_some(s, impl.buffer, impl.parser, asio::redirect_error(asio::use_awaitable, ec));
    };
    co_await impl.visit(read_some);
    if (ec == bhttp::error::need_buffer) ec = {};
    co_await impl.check(ec, "reading the response");
  }
}

asio::awaitable<std::string> StreamingResponse::read_all(std::size_t limit) {
  std::string out;
  while (auto piece = co_await read()) {
    out.append(piece->substr(0, limit - std::min(limit, out.size())));
    if (out.size() >= limit) break;
  }
  co_return out;
}

asio::awaitable<std::unique_ptr<StreamingResponse>> open_stream(ClientRequest request) {
  auto executor = co_await asio::this_coro::executor;
  auto impl = std::make_unique<StreamingResponse::Impl>();
  impl->host = request.url.host;
  impl->read_timeout = request.read_timeout;
  impl->parser.body_limit(boost::none);  // the caller bounds what it keeps
  impl->parser.header_limit(static_cast<std::uint32_t>(request.max_header_bytes));

  tcp::resolver resolver(executor);
  beast::error_code ec;
  const auto endpoints = co_await resolver.async_resolve(request.url.host, request.url.port,
                                                         asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    const auto state = co_await asio::this_coro::cancellation_state;
    if (state.cancelled() != asio::cancellation_type::none)
      throw ClientError(ClientError::Kind::cancelled, "cancelled");
    throw ClientError(ClientError::Kind::resolve, request.url.host + ": cannot resolve: " + ec.message());
  }

  if (request.url.tls) {
    impl->stream.emplace<TlsStream>(executor, tls_context());
    auto& s = std::get<TlsStream>(impl->stream);
    if (!SSL_set_tlsext_host_name(s.native_handle(), request.url.host.c_str())) {
      throw ClientError(ClientError::Kind::tls, request.url.host + ": TLS: cannot set the server name");
    }
    s.set_verify_callback(asio::ssl::host_name_verification(request.url.host));
  } else {
    impl->stream.emplace<PlainStream>(executor);
  }
  co_await impl->stop_if_cancelled();
  impl->lowest().expires_after(request.connect_timeout);
  co_await impl->lowest().async_connect(endpoints, asio::redirect_error(asio::use_awaitable, ec));
  if (ec && ec != beast::error::timeout) {
    impl->close();
    const auto state = co_await asio::this_coro::cancellation_state;
    if (state.cancelled() != asio::cancellation_type::none)
      throw ClientError(ClientError::Kind::cancelled, "cancelled");
    throw ClientError(ClientError::Kind::connect, request.url.host + ":" + request.url.port + ": " + ec.message());
  }
  co_await impl->check(ec, "connecting");
  // The request goes out as headers then body: without it the body waits for the
  // server's delayed ACK (40 ms on Linux) before the provider even sees the question.
  impl->lowest().socket().set_option(asio::ip::tcp::no_delay(true), ec);
  ec = {};
  if (auto* s = std::get_if<TlsStream>(&impl->stream)) {
    co_await s->async_handshake(asio::ssl::stream_base::client, asio::redirect_error(asio::use_awaitable, ec));
    if (ec && ec != beast::error::timeout) {
      impl->close();
      throw ClientError(ClientError::Kind::tls, request.url.host + ": TLS handshake: " + ec.message());
    }
    co_await impl->check(ec, "the TLS handshake");
  }

  bhttp::request<bhttp::string_body> req;
  req.method_string(request.method);
  req.target(request.url.target);
  req.version(11);
  const bool default_port = request.url.port == (request.url.tls ? "443" : "80");
  const bool v6 = request.url.host.find(':') != std::string::npos;
  const std::string host = v6 ? "[" + request.url.host + "]" : request.url.host;
  req.set(bhttp::field::host, default_port ? host : host + ":" + request.url.port);
  req.set(bhttp::field::user_agent, "tradechat");
  for (const auto& [name, value] : request.headers) req.set(name, value);
  req.body() = std::move(request.body);
  req.prepare_payload();

  co_await impl->stop_if_cancelled();
  impl->lowest().expires_after(request.read_timeout);
  auto write = [&](auto& s) { return bhttp::async_write(s, req, asio::redirect_error(asio::use_awaitable, ec)); };
  co_await impl->visit(write);
  co_await impl->check(ec, "sending the request");
  co_await impl->stop_if_cancelled();
  impl->lowest().expires_after(request.read_timeout);
  auto read_header = [&](auto& s) {
    return bhttp::async_read_header(s, impl->buffer, impl->parser, asio::redirect_error(asio::use_awaitable, ec));
  };
  co_await impl->visit(read_header);
  co_await impl->check(ec, "reading the response headers");
  const auto& res = impl->parser.get();
  impl->status = static_cast<int>(res.result_int());
  for (const auto& field : res)
    impl->headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  co_return std::make_unique<StreamingResponse>(std::move(impl));
}

}  // namespace tc::http
