// A bounded thread pool for blocking work (SQLite, libpq, hiredis, file I/O,
// password hashing). I/O threads `co_await pool.run(fn)`: the function runs on a
// pool thread and the coroutine resumes on its own executor with the result or
// the exception. When `max_queue` tasks are already waiting, run() throws a 503
// error at once instead of queueing without bound.
#pragma once

#include "core/errors.h"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <cstddef>
#include <type_traits>
#include <utility>

namespace tc {

class BlockingPool {
 public:
  BlockingPool(std::size_t threads, std::size_t max_queue) : pool_(threads), threads_(threads), max_queue_(max_queue) {}
  BlockingPool(const BlockingPool&) = delete;
  BlockingPool& operator=(const BlockingPool&) = delete;
  ~BlockingPool() { stop(); }

  template <class F>
  boost::asio::awaitable<std::invoke_result_t<F&>> run(F fn) {
    if (queued_.fetch_add(1, std::memory_order_acq_rel) >= max_queue_) {
      queued_.fetch_sub(1, std::memory_order_acq_rel);
      throw errors::unavailable("blocking work queue is full; try again shortly");
    }
    // The work is a coroutine function taking its state by value, so the frame owns it
    // (a capturing lambda passed to co_spawn may be destroyed before it finishes).
    co_return co_await boost::asio::co_spawn(pool_.get_executor(), invoke(std::move(fn), &queued_),
                                             boost::asio::use_awaitable);
  }

  std::size_t queue_depth() const noexcept { return queued_.load(std::memory_order_relaxed); }
  std::size_t threads() const noexcept { return threads_; }
  std::size_t max_queue() const noexcept { return max_queue_; }

  // Waits for running tasks and joins the threads. Idempotent.
  void stop() {
    if (!stopped_.exchange(true)) pool_.join();
  }

 private:
  template <class F>
  static boost::asio::awaitable<std::invoke_result_t<F&>> invoke(F fn, std::atomic<std::size_t>* queued) {
    Decrement guard{*queued};
    if constexpr (std::is_void_v<std::invoke_result_t<F&>>) {
      fn();
      co_return;
    } else {
      co_return fn();
    }
  }

  struct Decrement {
    std::atomic<std::size_t>& n;
    ~Decrement() { n.fetch_sub(1, std::memory_order_acq_rel); }
  };

  boost::asio::thread_pool pool_;
  std::size_t threads_;
  std::size_t max_queue_;
  std::atomic<std::size_t> queued_{0};
  std::atomic<bool> stopped_{false};
};

}  // namespace tc
