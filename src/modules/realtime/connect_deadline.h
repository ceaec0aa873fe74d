// Reaps connections that never authenticate: each new connection must send its
// `connect` command within `timeout`, or it is closed (3501). Keep-alive pings reap
// dead peers; this reaps live ones that only hold a socket open. One thread for all
// connections (deadlines are FIFO: the timeout is the same for everyone).
#pragma once

#include "net/websocket.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

namespace tc::realtime {

class ConnectDeadline {
 public:
  explicit ConnectDeadline(std::chrono::milliseconds timeout);
  ConnectDeadline(const ConnectDeadline&) = delete;
  ConnectDeadline& operator=(const ConnectDeadline&) = delete;
  ~ConnectDeadline() { stop(); }

  // Closes `connection` at the deadline unless `connected` is true by then.
  void watch(std::weak_ptr<http::WsConnection> connection, std::shared_ptr<const std::atomic<bool>> connected);
  void stop();

 private:
  struct Entry {
    std::chrono::steady_clock::time_point deadline;
    std::weak_ptr<http::WsConnection> connection;
    std::shared_ptr<const std::atomic<bool>> connected;
  };
  void run();

  std::chrono::milliseconds timeout_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Entry> entries_;
  bool stopped_ = false;
  std::thread thread_;  // last: started after everything it uses
};

}  // namespace tc::realtime
