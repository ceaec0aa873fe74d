#include "modules/realtime/connect_deadline.h"

#include "modules/realtime/client_session.h"

namespace tc::realtime {

ConnectDeadline::ConnectDeadline(std::chrono::milliseconds timeout) : timeout_(timeout), thread_([this] { run(); }) {}

void ConnectDeadline::watch(std::weak_ptr<http::WsConnection> connection,
                            std::shared_ptr<const std::atomic<bool>> connected) {
  {
    std::lock_guard lock(mutex_);
    if (stopped_) return;
    entries_.push_back({std::chrono::steady_clock::now() + timeout_, std::move(connection), std::move(connected)});
  }
  wake_.notify_one();
}

void ConnectDeadline::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopped_) return;
    stopped_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void ConnectDeadline::run() {
  std::unique_lock lock(mutex_);
  while (!stopped_) {
    if (entries_.empty()) {
      wake_.wait(lock);
      continue;
    }
    const auto deadline = entries_.front().deadline;
    if (std::chrono::steady_clock::now() < deadline) {
      wake_.wait_until(lock, deadline);
      continue;
    }
    Entry due = std::move(entries_.front());
    entries_.pop_front();
    lock.unlock();
    if (!due.connected->load()) {
      if (auto c = due.connection.lock()) c->close(codes::close_bad_request, "no connect command in time");
    }
    lock.lock();
  }
}

}  // namespace tc::realtime
