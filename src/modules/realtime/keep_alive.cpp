#include "modules/realtime/keep_alive.h"

#include "modules/realtime/client_session.h"

namespace tc::realtime {

KeepAlive::KeepAlive(std::chrono::milliseconds interval) : interval_(interval), thread_([this] { run(); }) {}

void KeepAlive::watch(std::weak_ptr<ClientSession> session) {
  std::lock_guard lock(mutex_);
  if (!stopped_) sessions_.push_back(std::move(session));
}

void KeepAlive::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopped_) return;
    stopped_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void KeepAlive::run() {
  std::unique_lock lock(mutex_);
  auto next = std::chrono::steady_clock::now() + interval_;
  while (!stopped_) {
    if (wake_.wait_until(lock, next, [this] { return stopped_; })) break;
    next += interval_;
    // Sweep without the lock (new sessions keep arriving); keep those still open.
    auto sweep = std::move(sessions_);
    sessions_.clear();
    lock.unlock();
    std::vector<std::weak_ptr<ClientSession>> kept;
    kept.reserve(sweep.size());
    for (auto& weak : sweep) {
      if (auto s = weak.lock(); s && s->ping()) kept.push_back(std::move(weak));
    }
    lock.lock();
    sessions_.insert(sessions_.end(), std::make_move_iterator(kept.begin()), std::make_move_iterator(kept.end()));
  }
}

}  // namespace tc::realtime
