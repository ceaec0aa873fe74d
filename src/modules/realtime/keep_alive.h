// The protocol's server pings: every interval each connected session sends `{}` and
// expects any frame back before the next one, else it is closed with 3012 (the SDK
// reconnects and recovers). This reaps authenticated connections whose client is
// gone or stuck, and lets the SDK notice a dead server. One thread for all sessions:
// a sweep costs one queued frame per connection.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace tc::realtime {

class ClientSession;

class KeepAlive {
 public:
  explicit KeepAlive(std::chrono::milliseconds interval);
  KeepAlive(const KeepAlive&) = delete;
  KeepAlive& operator=(const KeepAlive&) = delete;
  ~KeepAlive() { stop(); }

  void watch(std::weak_ptr<ClientSession> session);
  void stop();

 private:
  void run();

  std::chrono::milliseconds interval_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<std::weak_ptr<ClientSession>> sessions_;
  bool stopped_ = false;
  std::thread thread_;  // last: started after everything it uses
};

}  // namespace tc::realtime
