// A real HTTP/1.1 server on 127.0.0.1 for the fetcher and search tests: one thread,
// one connection at a time, canned raw responses per request target. It records
// every target it was asked for, so a test can assert what was never requested.
#pragma once

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

#include <atomic>
#include <exception>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace tc::ai::tools::testing {

class LocalHttpServer {
 public:
  LocalHttpServer() : acceptor_(io_, boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0)) {
    port_ = acceptor_.local_endpoint().port();
    thread_ = std::thread([this] { serve(); });
  }
  ~LocalHttpServer() {
    stop_ = true;
    boost::system::error_code ec;
    boost::asio::ip::tcp::socket wake(io_);
    wake.connect(acceptor_.local_endpoint(), ec);  // unblocks accept()
    thread_.join();
  }
  LocalHttpServer(const LocalHttpServer&) = delete;
  LocalHttpServer& operator=(const LocalHttpServer&) = delete;

  static std::string response(int status, const std::string& content_type, const std::string& body,
                              const std::string& extra_headers = {}) {
    std::string r = "HTTP/1.1 " + std::to_string(status) + " X\r\n";
    if (!content_type.empty()) r += "Content-Type: " + content_type + "\r\n";
    r += "Content-Length: " + std::to_string(body.size()) + "\r\n" + extra_headers + "Connection: close\r\n\r\n";
    return r + body;
  }
  static std::string redirect(const std::string& location, int status = 302) {
    return response(status, "text/plain", "moved", "Location: " + location + "\r\n");
  }

  // `target` is matched exactly first, then without its query string.
  void route(const std::string& target, std::string raw_response) {
    std::lock_guard lock(mutex_);
    routes_[target] = std::move(raw_response);
  }
  std::vector<std::string> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  std::size_t count(const std::string& target) const {
    std::size_t n = 0;
    for (const auto& r : requests()) n += r == target ? 1 : 0;
    return n;
  }
  std::string last_request_head() const {
    std::lock_guard lock(mutex_);
    return last_head_;
  }
  unsigned short port() const { return port_; }
  std::string base() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  void serve() {
    while (!stop_) {
      boost::asio::ip::tcp::socket socket(io_);
      boost::system::error_code ec;
      acceptor_.accept(socket, ec);
      if (stop_) break;
      if (ec) continue;
      boost::asio::streambuf buf(64 * 1024);
      boost::asio::read_until(socket, buf, "\r\n\r\n", ec);
      if (ec) continue;
      std::string head(boost::asio::buffers_begin(buf.data()), boost::asio::buffers_end(buf.data()));
      auto sp1 = head.find(' ');
      auto sp2 = head.find(' ', sp1 + 1);
      std::string target = sp1 == std::string::npos ? "" : head.substr(sp1 + 1, sp2 - sp1 - 1);
      std::string reply;
      {
        std::lock_guard lock(mutex_);
        requests_.push_back(target);
        last_head_ = head;
        auto it = routes_.find(target);
        if (it == routes_.end()) it = routes_.find(target.substr(0, target.find('?')));
        reply = it != routes_.end() ? it->second : response(404, "text/plain", "not found");
      }
      boost::asio::write(socket, boost::asio::buffer(reply), ec);
      socket.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
    }
  }

  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  unsigned short port_ = 0;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  std::map<std::string, std::string> routes_;
  std::vector<std::string> requests_;
  std::string last_head_;
};

// Runs one coroutine to completion on a fresh io_context and returns its value
// (or rethrows what it threw).
template <class T>
T run_coroutine(boost::asio::awaitable<T> work) {
  boost::asio::io_context io;
  std::optional<T> out;
  std::exception_ptr error;
  boost::asio::co_spawn(io, std::move(work), [&](std::exception_ptr e, T value) {
    if (e)
      error = e;
    else
      out = std::move(value);
  });
  io.run();
  if (error) std::rethrow_exception(error);
  return std::move(*out);
}

}  // namespace tc::ai::tools::testing
