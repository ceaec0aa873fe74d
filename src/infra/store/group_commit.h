// Group commit for high-rate durable writes (chat messages, ticks, audit entries):
// callers co_await append(item) and resume only after the transaction holding
// their item committed. A flusher thread takes everything queued (up to
// `max_batch`), waiting at most `max_delay` for company, and writes the batch in
// one transaction — one fsync for many writes. A failed batch fails every caller in
// it; nobody waits forever (stop() fails what is still queued).
#pragma once

#include "core/errors.h"
#include "infra/store/store.h"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <condition_variable>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace tc::infra::store {

struct GroupCommitOptions {
  std::size_t max_batch = 512;
  std::chrono::microseconds max_delay{2000};
};

template <class Item>
class GroupCommitter {
 public:
  // Writes a batch with the connection (inside the transaction the committer opened).
  using BatchWriter = std::function<void(Connection&, std::vector<Item>&)>;

  GroupCommitter(Store& store, BatchWriter writer, GroupCommitOptions options, metrics::Registry& metrics,
                 const std::string& name)
      : store_(store),
        writer_(std::move(writer)),
        options_(options),
        batch_sizes_(metrics.histogram("tradechat_store_group_commit_batch_size", "Writes per group-commit transaction",
                                       {{"stream", name}}, {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024})),
        flusher_([this] { run(); }) {}
  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;
  ~GroupCommitter() { stop(); }

  // Resumes on the caller's executor once `item` is committed; throws what the
  // batch's transaction threw.
  boost::asio::awaitable<void> append(Item item) {
    auto waiter = std::make_shared<Waiter>(co_await boost::asio::this_coro::executor);
    {
      std::lock_guard lock(mutex_);
      if (stopped_) throw errors::unavailable("store: the writer is stopping");
      queue_.push_back({std::move(item), waiter});
    }
    wake_.notify_one();
    while (!waiter->done) co_await waiter->timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
    if (waiter->error) std::rethrow_exception(waiter->error);
  }

  void stop() {
    {
      std::lock_guard lock(mutex_);
      if (stopped_) return;
      stopped_ = true;
    }
    wake_.notify_one();
    if (flusher_.joinable()) flusher_.join();
  }

 private:
  struct Waiter {
    explicit Waiter(const boost::asio::any_io_executor& ex) : timer(ex, boost::asio::steady_timer::time_point::max()) {}
    boost::asio::steady_timer timer;
    bool done = false;
    std::exception_ptr error;
  };
  struct Pending {
    Item item;
    std::shared_ptr<Waiter> waiter;
  };

  static void finish(const std::shared_ptr<Waiter>& w, const std::exception_ptr& error) {
    // Resolved on the waiter's own executor, so `done` is never read concurrently.
    boost::asio::post(w->timer.get_executor(), [w, error] {
      w->error = error;
      w->done = true;
      w->timer.cancel();
    });
  }

  void run() {
    for (;;) {
      std::vector<Pending> batch;
      {
        std::unique_lock lock(mutex_);
        wake_.wait(lock, [&] { return stopped_ || !queue_.empty(); });
        if (queue_.empty() && stopped_) return;
        // Give others a moment to join this transaction, unless it is already full.
        if (queue_.size() < options_.max_batch && options_.max_delay.count() > 0 && !stopped_) {
          wake_.wait_for(lock, options_.max_delay, [&] { return stopped_ || queue_.size() >= options_.max_batch; });
        }
        const std::size_t n = std::min(queue_.size(), options_.max_batch);
        batch.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(queue_.begin() + n));
        queue_.erase(queue_.begin(), queue_.begin() + n);
      }
      std::vector<Item> items;
      items.reserve(batch.size());
      for (auto& p : batch) items.push_back(std::move(p.item));
      std::exception_ptr error;
      try {
        auto write = [&](Connection& c) { writer_(c, items); };
        store_.run_transaction(write);
      } catch (...) {
        error = std::current_exception();
      }
      batch_sizes_.observe(static_cast<double>(batch.size()));
      for (auto& p : batch) finish(p.waiter, error);
    }
  }

  Store& store_;
  BatchWriter writer_;
  GroupCommitOptions options_;
  metrics::Histogram& batch_sizes_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<Pending> queue_;
  bool stopped_ = false;
  std::thread flusher_;  // last: started after everything it uses
};

}  // namespace tc::infra::store
