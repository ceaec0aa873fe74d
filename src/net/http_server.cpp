// Listener, HTTP session and WebSocket session, in the shape of Beast's coroutine
// examples: one accept loop spawns one session coroutine per connection; the
// session reads requests in a loop and upgrades to WebSocket as a branch.
#include "net/http_server.h"

#include "core/ids.h"
#include "core/log.h"
#include "net/http_wire.h"

#include <fmt/format.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

namespace tc::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace websocket = boost::beast::websocket;
using tcp = asio::ip::tcp;
constexpr auto tuple_awaitable = asio::as_tuple(asio::use_awaitable);

namespace {

void log_spawn_failure(const std::exception_ptr& e, const char* what) {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    log::error("coroutine failed", {{"where", what}, {"error", ex.what()}});
  }
}

tcp::endpoint parse_endpoint(const std::string& addr) {
  auto colon = addr.rfind(':');
  std::string host = addr.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  auto port = static_cast<unsigned short>(std::stoi(addr.substr(colon + 1)));
  boost::system::error_code ec;
  auto ip = asio::ip::make_address(host == "localhost" ? "127.0.0.1" : host, ec);
  if (ec) throw std::runtime_error(fmt::format("http.addr {}: host must be an IP address or localhost", addr));
  return {ip, port};
}

std::string endpoint_text(const tcp::endpoint& ep) {
  auto a = ep.address();
  return a.is_v6() ? fmt::format("[{}]:{}", a.to_string(), ep.port()) : fmt::format("{}:{}", a.to_string(), ep.port());
}

}  // namespace

// One WebSocket connection's outbound side: a byte-bounded queue drained by a
// single writer coroutine, so there is never more than one write in flight.
class WsConnectionImpl final : public WsConnection, public std::enable_shared_from_this<WsConnectionImpl> {
 public:
  WsConnectionImpl(websocket::stream<beast::tcp_stream>& ws, std::string remote, std::uint64_t max_outbox,
                   metrics::Registry& metrics)
      : ws_(ws),
        signal_(ws.get_executor()),
        id_(ids::random_hex(8)),
        remote_(std::move(remote)),
        max_outbox_(max_outbox),
        slow_closes_(metrics.counter("tradechat_ws_slow_disconnects_total",
                                     "WebSocket connections closed because their outbox overflowed")),
        dropped_(metrics.counter("tradechat_ws_dropped_messages_total",
                                 "Droppable WebSocket messages discarded for slow consumers")),
        sent_(metrics.counter("tradechat_ws_writes_total", "WebSocket socket writes (after coalescing)")),
        conflated_(metrics.counter("tradechat_ws_conflated_messages_total",
                                   "Messages replaced in a slow consumer's outbox by a newer one of the same key")) {
    signal_.expires_at(asio::steady_timer::time_point::max());
  }

  void send(std::string message, bool droppable) override {
    auto self = shared_from_this();
    asio::post(ws_.get_executor(),
               [self, m = std::move(message), droppable]() mutable { self->enqueue(std::move(m), droppable); });
  }

  void send_latest(std::string message, std::string key) override {
    auto self = shared_from_this();
    asio::post(ws_.get_executor(), [self, m = std::move(message), k = std::move(key)]() mutable {
      self->enqueue_latest(std::move(m), std::move(k));
    });
  }

  void close(std::uint16_t code, std::string reason) override {
    auto self = shared_from_this();
    asio::post(ws_.get_executor(), [self, code, r = std::move(reason)]() mutable { self->request_close(code, r); });
  }

  const std::string& id() const override { return id_; }
  const std::string& remote_addr() const override { return remote_; }

  // Runs on the connection's strand until the connection closes.
  asio::awaitable<void> write_loop() {
    for (;;) {
      if (queue_.empty() && !close_code_) {
        if (finished_) co_return;
        co_await signal_.async_wait(tuple_awaitable);
        continue;
      }
      if (!queue_.empty()) {
        // Everything queued since the last write leaves in one frame (and one syscall);
        // a lone message is written as it is, without a copy.
        std::string batch;
        if (queue_.size() == 1) {
          batch = std::move(queue_.front().text);
        } else {
          batch.reserve(queued_bytes_ + queue_.size());
          for (auto& item : queue_) {
            if (!batch.empty()) batch.push_back('\n');
            batch += item.text;
          }
        }
        queue_.clear();
        latest_.clear();
        queued_bytes_ = 0;
        ws_.text(true);
        auto [ec, n] = co_await ws_.async_write(asio::buffer(batch), tuple_awaitable);
        (void)n;
        sent_.inc();
        if (ec) co_return;
        continue;
      }
      websocket::close_reason reason(static_cast<websocket::close_code>(*close_code_), close_reason_);
      close_code_.reset();
      finished_ = true;
      co_await ws_.async_close(reason, tuple_awaitable);
      co_return;
    }
  }

  // Called by the reader when the connection is gone.
  void finish() {
    finished_ = true;
    queue_.clear();
    latest_.clear();
    signal_.cancel();
  }

 private:
  struct Item {
    std::string text;
    bool droppable;
  };

  void enqueue(std::string message, bool droppable) {
    if (finished_ || closing_) return;
    queued_bytes_ += message.size();
    queue_.push_back({std::move(message), droppable});
    if (queued_bytes_ > max_outbox_) shed_load();
    signal_.cancel();
  }

  // Still queued means not yet written: the connection is behind, so the older
  // message of this key is replaced where it waits (the reader gets the newest value
  // without the backlog; messages of one key stay in order).
  void enqueue_latest(std::string message, std::string key) {
    if (finished_ || closing_) return;
    if (auto it = latest_.find(key); it != latest_.end()) {
      auto& item = queue_[it->second];
      queued_bytes_ = queued_bytes_ - item.text.size() + message.size();
      item.text = std::move(message);
      conflated_.inc();
      if (queued_bytes_ > max_outbox_) shed_load();
      return;
    }
    latest_.emplace(std::move(key), queue_.size());
    enqueue(std::move(message), false);
  }

  // Over the bound: drop ephemeral messages first; if still over, the client is too
  // slow to follow, so it is disconnected with a code that says "reconnect and recover".
  void shed_load() {
    std::deque<Item> kept;
    std::vector<std::size_t> moved_to(queue_.size(), 0);
    for (std::size_t i = 0; i < queue_.size(); ++i) {
      auto& item = queue_[i];
      if (item.droppable) {
        queued_bytes_ -= item.text.size();
        dropped_.inc();
      } else {
        moved_to[i] = kept.size();
        kept.push_back(std::move(item));
      }
    }
    queue_ = std::move(kept);
    for (auto& [key, index] : latest_) index = moved_to[index];  // keyed messages are never dropped
    if (queued_bytes_ > max_outbox_) {
      slow_closes_.inc();
      queue_.clear();
      latest_.clear();
      queued_bytes_ = 0;
      request_close(kWsCloseSlow, "slow");
    }
  }

  void request_close(std::uint16_t code, const std::string& reason) {
    if (finished_ || closing_) return;
    closing_ = true;
    close_code_ = code;
    close_reason_ = reason;
    signal_.cancel();
  }

  websocket::stream<beast::tcp_stream>& ws_;
  asio::steady_timer signal_;
  std::string id_;
  std::string remote_;
  std::uint64_t max_outbox_;
  std::deque<Item> queue_;
  std::unordered_map<std::string, std::size_t> latest_;  // key of a send_latest() message → its place in queue_
  std::uint64_t queued_bytes_ = 0;
  bool closing_ = false;
  bool finished_ = false;
  std::optional<std::uint16_t> close_code_;
  std::string close_reason_;
  metrics::Counter& slow_closes_;
  metrics::Counter& dropped_;
  metrics::Counter& sent_;
  metrics::Counter& conflated_;
};

// A read deadline that cancels the pending read instead of closing the socket
// (beast::tcp_stream's own expiry closes it), so the session can still answer 408.
class ReadDeadline {
 public:
  explicit ReadDeadline(beast::tcp_stream& stream) : state_(std::make_shared<State>(stream)) {}
  ReadDeadline(const ReadDeadline&) = delete;
  ReadDeadline& operator=(const ReadDeadline&) = delete;
  ~ReadDeadline() {
    state_->alive = false;
    state_->timer.cancel();
  }

  void arm(std::chrono::milliseconds timeout) {
    auto generation = ++state_->generation;
    state_->armed = true;
    state_->fired = false;
    state_->timer.expires_after(timeout);
    state_->timer.async_wait([st = state_, generation](const boost::system::error_code& ec) {
      if (ec || !st->alive || !st->armed || st->generation != generation) return;
      st->fired = true;
      boost::system::error_code ignored;
      st->stream.socket().cancel(ignored);
    });
  }
  // Returns true when the deadline passed before it was disarmed.
  bool disarm() {
    state_->armed = false;
    state_->timer.cancel();
    return state_->fired;
  }

 private:
  struct State {
    explicit State(beast::tcp_stream& s) : stream(s), timer(s.get_executor()) {}
    beast::tcp_stream& stream;
    asio::steady_timer timer;
    std::uint64_t generation = 0;
    bool alive = true;
    bool armed = false;
    bool fired = false;
  };
  std::shared_ptr<State> state_;
};

// What shutdown needs to reach every live connection.
struct SessionControl {
  asio::any_io_executor executor;
  beast::tcp_stream* stream = nullptr;          // HTTP sessions
  std::shared_ptr<WsConnectionImpl> websocket;  // WebSocket sessions
  bool idle = false;
};

// Coroutines refer to the Impl by `this`: shutdown() joins the I/O threads before
// the Impl dies, and the io_context (declared first, destroyed last) destroys any
// suspended coroutine frames.
struct HttpServer::Impl {
  ServerOptions options;
  Pipeline& pipeline;
  metrics::Registry& metrics;
  asio::io_context io;
  tcp::acceptor acceptor{io};
  std::vector<std::thread> threads;
  std::unordered_map<std::string, WsAccept> ws_endpoints;

  std::mutex mutex;  // guards sessions
  std::unordered_map<std::uint64_t, std::shared_ptr<SessionControl>> sessions;
  std::uint64_t next_session = 0;
  std::atomic<std::size_t> connections{0};
  std::atomic<bool> draining{false};
  std::condition_variable drained;
  bool stopped = false;

  metrics::Gauge& http_open;
  metrics::Gauge& ws_open;
  metrics::Counter& rejected;

  Impl(ServerOptions o, Pipeline& p, metrics::Registry& m)
      : options(std::move(o)),
        pipeline(p),
        metrics(m),
        io(options.io_threads),
        http_open(m.gauge("tradechat_http_connections", "Open HTTP connections (including those upgraded)")),
        ws_open(m.gauge("tradechat_websocket_connections", "Open WebSocket connections")),
        rejected(m.counter("tradechat_http_connections_rejected_total",
                           "Connections refused with 503 because http.max_connections was reached")) {}

  std::uint64_t register_session(std::shared_ptr<SessionControl> control) {
    std::lock_guard lock(mutex);
    auto id = ++next_session;
    sessions.emplace(id, std::move(control));
    return id;
  }

  void unregister_session(std::uint64_t id) {
    std::lock_guard lock(mutex);
    sessions.erase(id);
  }

  void connection_closed() {
    http_open.add(-1);
    if (connections.fetch_sub(1) == 1) {
      std::lock_guard lock(mutex);
      drained.notify_all();
    }
  }

  asio::awaitable<void> accept_loop();
  asio::awaitable<void> refuse_overloaded(tcp::socket socket);
  asio::awaitable<void> http_session(tcp::socket socket);
  asio::awaitable<void> websocket_session(beast::tcp_stream stream, bhttp::request<bhttp::string_body> upgrade,
                                          std::unique_ptr<WsHandler> handler, std::string remote);
  asio::awaitable<bool> write_response(beast::tcp_stream& stream, Response res, unsigned version, bool keep_alive,
                                       bool head);
};

asio::awaitable<void> HttpServer::Impl::accept_loop() {
  for (;;) {
    // One I/O thread needs no strand; several do, so a session never runs on two at once.
    asio::any_io_executor session_executor = options.io_threads == 1 ? asio::any_io_executor(io.get_executor())
                                                                     : asio::any_io_executor(asio::make_strand(io));
    auto [ec, socket] = co_await acceptor.async_accept(session_executor, tuple_awaitable);
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
    if (ec) {
      // EMFILE and friends: back off briefly instead of spinning.
      log::warn("accept failed", {{"error", ec.message()}});
      asio::steady_timer pause(io, std::chrono::milliseconds(50));
      co_await pause.async_wait(tuple_awaitable);
      continue;
    }
    // Without it a reply written as several small frames (a WebSocket publication
    // right after another) waits for the peer's delayed ACK: 40 ms on Linux.
    boost::system::error_code nodelay_ec;
    socket.set_option(asio::ip::tcp::no_delay(true), nodelay_ec);
    connections.fetch_add(1);
    http_open.add(1);
    auto exec = socket.get_executor();
    auto on_done = [](const std::exception_ptr& e) { log_spawn_failure(e, "http session"); };
    if (connections.load() > options.max_connections) {
      rejected.inc();
      asio::co_spawn(exec, refuse_overloaded(std::move(socket)), on_done);
    } else {
      asio::co_spawn(exec, http_session(std::move(socket)), on_done);
    }
  }
}

asio::awaitable<void> HttpServer::Impl::refuse_overloaded(tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  Request req;
  req.path = "/";
  Response res = pipeline.reject(req, errors::unavailable("the server is at its connection limit; retry shortly"));
  res.set_header("Retry-After", "1");
  co_await write_response(stream, std::move(res), 11, false, false);
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  connection_closed();
}

asio::awaitable<bool> HttpServer::Impl::write_response(beast::tcp_stream& stream, Response res, unsigned version,
                                                       bool keep_alive, bool head) {
  // Our own serializer: one contiguous buffer, one write (Beast's generic
  // serializer costs several times more per response).
  std::string wire = serialize_response(std::move(res), version, keep_alive, head);
  stream.expires_after(options.write_timeout);
  auto [ec, n] = co_await asio::async_write(stream, asio::buffer(wire), tuple_awaitable);
  (void)n;
  co_return !ec;
}

asio::awaitable<void> HttpServer::Impl::http_session(tcp::socket socket) {
  beast::error_code ep_ec;
  auto peer = socket.remote_endpoint(ep_ec);
  const std::string remote = ep_ec ? std::string("unknown") : endpoint_text(peer);
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  auto control = std::make_shared<SessionControl>();
  control->executor = stream.get_executor();
  control->stream = &stream;
  const auto session_id = register_session(control);
  bool first = true;
  bool upgraded = false;
  ReadDeadline deadline(stream);

  for (;;) {
    // Wait for the first byte of the next request under the idle timeout; once it
    // arrives the whole header must follow within header_timeout (slowloris).
    if (buffer.size() == 0) {
      control->idle = true;
      if (draining.load()) break;
      stream.expires_after(first ? options.header_timeout : options.idle_timeout);
      auto [ec, n] = co_await stream.async_read_some(buffer.prepare(4096), tuple_awaitable);
      control->idle = false;
      if (ec) break;  // closed, reset, idle timeout or shutdown: nothing to answer
      buffer.commit(n);
    }
    first = false;

    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(options.max_header_bytes));
    parser.body_limit(pipeline.max_body_limit());
    Request req;
    req.remote_addr = remote;
    req.path = "/";

    stream.expires_never();
    deadline.arm(options.header_timeout);
    auto [hec, hn] = co_await bhttp::async_read_header(stream, buffer, parser, tuple_awaitable);
    const bool header_late = deadline.disarm();
    (void)hn;
    if (hec) {
      if (!header_late && (hec == bhttp::error::end_of_stream || hec == asio::error::connection_reset ||
                           hec == asio::error::operation_aborted)) {
        break;
      }
      Error err =
          header_late ? Error(408, "request-timeout", "Request Timeout", "the request headers did not arrive in time")
          : hec == bhttp::error::header_limit
              ? Error(431, "headers-too-large", "Request Header Fields Too Large",
                      fmt::format("the request line and headers exceed {} bytes", options.max_header_bytes))
          : hec == bhttp::error::body_limit ? errors::payload_too_large("the body is larger than any route accepts")
                                            : errors::bad_request("malformed HTTP request: " + hec.message());
      co_await write_response(stream, pipeline.reject(req, err), 11, false, false);
      break;
    }

    auto& head = parser.get();
    req.method = std::string(head.method_string());
    req.target = std::string(head.target());
    for (const auto& field : head)
      req.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    if (options.trust_proxy) {
      if (auto xff = req.header("X-Forwarded-For")) req.remote_addr = std::string(xff->substr(0, xff->find(',')));
    }
    const bool head_request = head.method() == bhttp::verb::head;
    bool keep_alive = head.keep_alive() && !draining.load();

    // Only origin-form targets ("/path?query") name a resource here.
    if (req.target.empty() || req.target.front() != '/') {
      co_await write_response(stream,
                              pipeline.reject(req, errors::bad_request("the request target must start with '/'")),
                              head.version(), false, false);
      break;
    }
    auto qmark = req.target.find('?');
    auto decoded = percent_decode(std::string_view(req.target).substr(0, qmark));
    if (!decoded || decoded->find('\0') != std::string::npos) {
      co_await write_response(
          stream, pipeline.reject(req, errors::bad_request("the request path has a malformed %-escape or a NUL")),
          head.version(), false, false);
      break;
    }
    req.path = std::move(*decoded);
    if (qmark != std::string::npos) req.query = req.target.substr(qmark + 1);

    if (websocket::is_upgrade(head)) {
      auto it = ws_endpoints.find(req.path);
      if (it != ws_endpoints.end()) {
        std::unique_ptr<WsHandler> handler;
        std::optional<Error> refused;
        try {
          handler = it->second(req);
        } catch (const Error& e) {
          refused = e;
        }
        if (refused) {
          co_await write_response(stream, pipeline.reject(req, *refused), head.version(), false, false);
          break;
        }
        unregister_session(session_id);
        upgraded = true;
        // A coroutine of its own, so this frame (its read buffer, parser and request
        // copy) is freed for the life of the WebSocket: idle connections stay small.
        auto executor = stream.get_executor();
        asio::co_spawn(executor, websocket_session(std::move(stream), parser.release(), std::move(handler), remote),
                       [](const std::exception_ptr& e) { log_spawn_failure(e, "websocket session"); });
        co_return;
      }
    }

    const std::uint64_t limit = pipeline.body_limit(req.method, req.path);
    if (auto cl = parser.content_length(); cl && *cl > limit) {
      co_await write_response(
          stream,
          pipeline.reject(req, errors::payload_too_large(fmt::format("the body may be at most {} bytes here", limit))),
          head.version(), false, false);
      break;
    }
    parser.body_limit(limit);
    if (!parser.is_done()) {
      if (auto expect = req.header("Expect"); expect && *expect == "100-continue") {
        static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
        stream.expires_after(options.write_timeout);
        co_await asio::async_write(stream, asio::buffer(kContinue), tuple_awaitable);
      }
      stream.expires_never();
      deadline.arm(options.body_timeout);
      auto [bec, bn] = co_await bhttp::async_read(stream, buffer, parser, tuple_awaitable);
      const bool body_late = deadline.disarm();
      (void)bn;
      if (bec) {
        if (!body_late && (bec == asio::error::connection_reset || bec == bhttp::error::end_of_stream ||
                           bec == bhttp::error::partial_message || bec == asio::error::operation_aborted)) {
          break;
        }
        Error err = body_late
                        ? Error(408, "request-timeout", "Request Timeout", "the request body did not arrive in time")
                    : bec == bhttp::error::body_limit
                        ? errors::payload_too_large(fmt::format("the body may be at most {} bytes here", limit))
                        : errors::bad_request("malformed HTTP body: " + bec.message());
        co_await write_response(stream, pipeline.reject(req, err), head.version(), false, false);
        break;
      }
    }
    req.body = std::move(parser.get().body());
    const unsigned version = parser.get().version();

    stream.expires_never();
    Response res = co_await pipeline.process(std::move(req));
    keep_alive = keep_alive && !draining.load();
    if (!co_await write_response(stream, std::move(res), version, keep_alive, head_request)) break;
    if (!keep_alive) break;
  }

  if (!upgraded) {
    unregister_session(session_id);
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream.socket().close(ignored);
  }
  connection_closed();
}

asio::awaitable<void> HttpServer::Impl::websocket_session(beast::tcp_stream stream,
                                                          bhttp::request<bhttp::string_body> upgrade,
                                                          std::unique_ptr<WsHandler> handler, std::string remote) {
  stream.expires_never();
  websocket::stream<beast::tcp_stream> ws(std::move(stream));
  websocket::stream_base::timeout timeouts{};
  timeouts.handshake_timeout = std::chrono::seconds(10);
  // Beast pings after half the idle timeout of silence and closes after the whole.
  timeouts.idle_timeout = options.ws_ping_interval * 2;
  timeouts.keep_alive_pings = true;
  ws.set_option(timeouts);
  ws.read_message_max(options.ws_max_message_bytes);
  ws.auto_fragment(false);
  auto [aec] = co_await ws.async_accept(upgrade, tuple_awaitable);
  if (aec) {
    connection_closed();
    co_return;
  }
  upgrade = {};  // its headers are not needed for the life of the connection

  ws_open.add(1);
  auto conn = std::make_shared<WsConnectionImpl>(ws, remote, options.ws_max_outbox_bytes, metrics);
  auto control = std::make_shared<SessionControl>();
  control->executor = ws.get_executor();
  control->websocket = conn;
  const auto session_id = register_session(control);
  if (draining.load()) conn->close(kWsCloseGoingAway, "server shutting down");

  // The writer holds a reference to `ws`; the reader waits for it to leave first.
  struct WriterExit {
    explicit WriterExit(const asio::any_io_executor& ex) : timer(ex, asio::steady_timer::time_point::max()) {}
    asio::steady_timer timer;
    bool done = false;
  };
  auto writer_exit = std::make_shared<WriterExit>(ws.get_executor());
  auto run_writer = [](std::shared_ptr<WsConnectionImpl> c, std::shared_ptr<WriterExit> exit) -> asio::awaitable<void> {
    co_await c->write_loop();
    exit->done = true;
    exit->timer.cancel();
  };
  asio::co_spawn(ws.get_executor(), run_writer(conn, writer_exit),
                 [](const std::exception_ptr& e) { log_spawn_failure(e, "websocket writer"); });

  handler->on_open(conn);
  std::uint16_t close_code = 1005;
  beast::flat_buffer buffer;
  for (;;) {
    auto [ec, n] = co_await ws.async_read(buffer, tuple_awaitable);
    (void)n;
    if (ec) {
      close_code = ec == websocket::error::closed            ? static_cast<std::uint16_t>(ws.reason().code)
                   : ec == websocket::error::message_too_big ? kWsCloseTooBig
                                                             : 1006;
      break;
    }
    if (!ws.got_text()) {
      conn->close(1003, "text frames only (JSON)");
      buffer.consume(buffer.size());
      continue;
    }
    std::string message = beast::buffers_to_string(buffer.data());
    buffer.consume(buffer.size());
    buffer.shrink_to_fit();  // an idle connection keeps no read buffer
    try {
      co_await handler->on_message(std::move(message));
    } catch (const std::exception& e) {
      log::error("websocket handler failed", {{"connection", conn->id()}, {"error", e.what()}});
      conn->close(1011, "internal error");
    }
  }

  handler->on_close(close_code);
  conn->finish();
  while (!writer_exit->done) co_await writer_exit->timer.async_wait(tuple_awaitable);
  unregister_session(session_id);
  ws_open.add(-1);
  connection_closed();
}

HttpServer::HttpServer(ServerOptions options, Pipeline& pipeline, metrics::Registry& metrics)
    : impl_(std::make_shared<Impl>(std::move(options), pipeline, metrics)) {
  metrics.gauge_fn("tradechat_http_io_threads", "Threads running network I/O", {},
                   [n = impl_->options.io_threads] { return static_cast<double>(n); });
}

HttpServer::~HttpServer() { shutdown(); }

void HttpServer::add_websocket(std::string path, WsAccept accept) {
  impl_->ws_endpoints.emplace(std::move(path), std::move(accept));
}

void HttpServer::start() {
  auto& im = *impl_;
  auto endpoint = parse_endpoint(im.options.addr);
  boost::system::error_code ec;
  im.acceptor.open(endpoint.protocol(), ec);
  if (!ec) im.acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) im.acceptor.bind(endpoint, ec);
  if (!ec) im.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) throw std::runtime_error(fmt::format("cannot listen on {}: {}", im.options.addr, ec.message()));
  asio::co_spawn(im.io, im.accept_loop(), [](const std::exception_ptr& e) { log_spawn_failure(e, "accept loop"); });
  for (int i = 0; i < im.options.io_threads; ++i) {
    im.threads.emplace_back([impl = impl_] {
      for (;;) {
        try {
          impl->io.run();
          return;
        } catch (const std::exception& e) {
          log::error("I/O thread caught an exception", {{"error", e.what()}});
        }
      }
    });
  }
}

std::string HttpServer::local_address() const {
  boost::system::error_code ec;
  auto ep = impl_->acceptor.local_endpoint(ec);
  return ec ? std::string{} : endpoint_text(ep);
}

std::size_t HttpServer::open_connections() const { return impl_->connections.load(); }

void HttpServer::shutdown() {
  auto& im = *impl_;
  {
    std::lock_guard lock(im.mutex);
    if (im.stopped) return;
    im.stopped = true;
  }
  if (im.threads.empty()) return;
  im.draining = true;
  // Raw pointer: a handler still queued when io stops must not keep the Impl alive.
  asio::post(im.io, [impl = impl_.get()] {
    boost::system::error_code ignored;
    impl->acceptor.close(ignored);
  });
  // Wake idle keep-alive connections and say goodbye to WebSockets; busy HTTP
  // sessions finish their request and then close (keep-alive is off while draining).
  {
    std::lock_guard lock(im.mutex);
    for (auto& [id, control] : im.sessions) {
      asio::post(control->executor, [control] {
        if (control->websocket) {
          control->websocket->close(kWsCloseGoingAway, "server shutting down");
        } else if (control->idle && control->stream) {
          control->stream->cancel();
        }
      });
    }
  }
  {
    std::unique_lock lock(im.mutex);
    bool clean = im.drained.wait_for(lock, im.options.shutdown_timeout, [&] { return im.connections.load() == 0; });
    if (!clean) {
      log::warn("shutdown deadline passed; closing remaining connections",
                {{"open_connections", im.connections.load()}});
    }
  }
  im.io.stop();
  for (auto& t : im.threads) t.join();
  im.threads.clear();
}

}  // namespace tc::http
