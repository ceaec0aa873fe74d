#include "net/ws_client.h"

#include <openssl/ssl.h>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <chrono>

namespace tc::http {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace ws = beast::websocket;
using tcp = asio::ip::tcp;

std::optional<WsUrl> parse_ws_url(std::string_view url) {
  WsUrl out;
  if (url.starts_with("wss://")) {
    out.tls = true;
    url.remove_prefix(6);
  } else if (url.starts_with("ws://")) {
    url.remove_prefix(5);
  } else {
    return std::nullopt;
  }
  const auto slash = url.find('/');
  const auto authority = url.substr(0, slash);
  out.target = slash == std::string_view::npos ? "/" : std::string(url.substr(slash));
  const auto colon = authority.rfind(':');
  out.host = std::string(authority.substr(0, colon));
  out.port = colon == std::string_view::npos ? (out.tls ? "443" : "80") : std::string(authority.substr(colon + 1));
  if (out.host.empty() || out.port.empty()) return std::nullopt;
  return out;
}

struct WsClient::Impl {
  explicit Impl(asio::any_io_executor ex) : executor(std::move(ex)), tls_context(asio::ssl::context::tls_client) {
    tls_context.set_default_verify_paths();
    tls_context.set_verify_mode(asio::ssl::verify_peer);
  }
  asio::any_io_executor executor;
  asio::ssl::context tls_context;
  std::optional<ws::stream<beast::tcp_stream>> plain;
  std::optional<ws::stream<asio::ssl::stream<beast::tcp_stream>>> secure;
  bool cancelled = false;
};

WsClient::WsClient(asio::any_io_executor executor) : impl_(std::make_shared<Impl>(std::move(executor))) {}
WsClient::~WsClient() = default;

void WsClient::cancel() {
  impl_->cancelled = true;
  if (impl_->plain) beast::get_lowest_layer(*impl_->plain).close();
  if (impl_->secure) beast::get_lowest_layer(*impl_->secure).close();
}

namespace {

// One writer: replies go out from the read loop itself, so at most one write is
// ever in flight.
template <class Stream>
asio::awaitable<void> read_all(Stream& stream, const WsClient::Replier& on_message) {
  beast::flat_buffer buffer;
  for (;;) {
    co_await stream.async_read(buffer, asio::use_awaitable);
    std::vector<std::string> replies;
    if (stream.got_text()) replies = on_message(beast::buffers_to_string(buffer.data()));
    buffer.consume(buffer.size());
    for (const auto& reply : replies) {
      stream.text(true);
      co_await stream.async_write(asio::buffer(reply), asio::use_awaitable);
    }
  }
}

}  // namespace

asio::awaitable<void> WsClient::run(WsUrl url, std::function<void(std::string)> on_message) {
  Replier replier = [on_message = std::move(on_message)](std::string message) {
    on_message(std::move(message));
    return std::vector<std::string>{};
  };
  co_await run_with_replies(std::move(url), std::move(replier));
}

asio::awaitable<void> WsClient::run_with_replies(WsUrl url, Replier on_message) {
  auto impl = impl_;  // alive for the whole run
  impl->cancelled = false;
  tcp::resolver resolver(impl->executor);
  const auto endpoints = co_await resolver.async_resolve(url.host, url.port, asio::use_awaitable);
  if (impl->cancelled) throw std::runtime_error("cancelled");
  const std::string host_header = url.host + ":" + url.port;
  if (!url.tls) {
    impl->plain.emplace(impl->executor);
    auto& s = *impl->plain;
    beast::get_lowest_layer(s).expires_after(std::chrono::seconds(10));
    co_await beast::get_lowest_layer(s).async_connect(endpoints, asio::use_awaitable);
    beast::get_lowest_layer(s).expires_never();
    s.set_option(ws::stream_base::timeout::suggested(beast::role_type::client));
    s.read_message_max(1 << 20);
    co_await s.async_handshake(host_header, url.target, asio::use_awaitable);
    try {
      co_await read_all(s, on_message);
    } catch (...) {
      impl->plain.reset();
      throw;
    }
  } else {
    impl->secure.emplace(impl->executor, impl->tls_context);
    auto& s = *impl->secure;
    if (!SSL_set_tlsext_host_name(s.next_layer().native_handle(), url.host.c_str())) {
      throw std::runtime_error("TLS: cannot set the server name");
    }
    s.next_layer().set_verify_callback(asio::ssl::host_name_verification(url.host));
    beast::get_lowest_layer(s).expires_after(std::chrono::seconds(10));
    co_await beast::get_lowest_layer(s).async_connect(endpoints, asio::use_awaitable);
    co_await s.next_layer().async_handshake(asio::ssl::stream_base::client, asio::use_awaitable);
    beast::get_lowest_layer(s).expires_never();
    s.set_option(ws::stream_base::timeout::suggested(beast::role_type::client));
    s.read_message_max(1 << 20);
    co_await s.async_handshake(host_header, url.target, asio::use_awaitable);
    try {
      co_await read_all(s, on_message);
    } catch (...) {
      impl->secure.reset();
      throw;
    }
  }
}

}  // namespace tc::http
