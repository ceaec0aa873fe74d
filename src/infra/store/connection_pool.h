// A bounded pool of connections: at most `max` open, created on demand; a caller
// that finds none free waits up to `wait` and then gets a 503.
#pragma once

#include "core/errors.h"
#include "core/metrics.h"
#include "infra/store/store.h"

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace tc::infra::store {

class ConnectionPool {
 public:
  using Factory = std::function<std::unique_ptr<Connection>()>;

  ConnectionPool(Factory factory, std::size_t max, std::chrono::milliseconds wait, metrics::Registry& metrics,
                 const std::string& engine)
      : factory_(std::move(factory)), max_(max), wait_(wait) {
    metrics.gauge_fn("tradechat_store_pool_connections", "Open database connections", {{"engine", engine}},
                     [this] { return static_cast<double>(count(false)); });
    metrics.gauge_fn("tradechat_store_pool_in_use", "Database connections lent out", {{"engine", engine}},
                     [this] { return static_cast<double>(count(true)); });
  }

  Connection* acquire() {
    std::unique_lock lock(mutex_);
    for (;;) {
      if (!idle_.empty()) {
        Connection* c = idle_.back();
        idle_.pop_back();
        ++in_use_;
        return c;
      }
      if (all_.size() < max_) {
        ++in_use_;
        ++opening_;
        lock.unlock();
        std::unique_ptr<Connection> fresh;
        try {
          fresh = factory_();
        } catch (...) {
          lock.lock();
          --in_use_;
          --opening_;
          freed_.notify_one();
          throw;
        }
        lock.lock();
        --opening_;
        all_.push_back(std::move(fresh));
        return all_.back().get();
      }
      if (freed_.wait_for(lock, wait_) == std::cv_status::timeout && idle_.empty()) {
        throw errors::unavailable("the database connection pool is exhausted; try again shortly");
      }
    }
  }

  // Broken connections are dropped, so the next acquire opens a fresh one.
  void release(Connection* c) {
    std::lock_guard lock(mutex_);
    --in_use_;
    if (!c->healthy()) {
      std::erase_if(all_, [c](const auto& p) { return p.get() == c; });
    } else {
      idle_.push_back(c);
    }
    freed_.notify_one();
  }

 private:
  std::size_t count(bool in_use) const {
    std::lock_guard lock(mutex_);
    return in_use ? in_use_ : all_.size() + opening_;
  }

  Factory factory_;
  std::size_t max_;
  std::chrono::milliseconds wait_;
  mutable std::mutex mutex_;
  std::condition_variable freed_;
  std::vector<std::unique_ptr<Connection>> all_;
  std::vector<Connection*> idle_;
  std::size_t in_use_ = 0;
  std::size_t opening_ = 0;
};

}  // namespace tc::infra::store
