#include "core/blocking_pool.h"

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <future>
#include <thread>

namespace tc {
namespace {

namespace asio = boost::asio;

TEST(BlockingPool, RunsOffTheIoThreadAndResumesOnIt) {
  asio::io_context io;
  BlockingPool pool(2, 16);
  std::thread::id io_thread = std::this_thread::get_id();
  std::thread::id work_thread, resumed_thread;
  int result = 0;
  auto body = [&]() -> asio::awaitable<void> {
    auto work = [&] {
      work_thread = std::this_thread::get_id();
      return 42;
    };
    result = co_await pool.run(std::move(work));
    resumed_thread = std::this_thread::get_id();
  };
  asio::co_spawn(io, body, [](const std::exception_ptr& e) {
    if (e) std::rethrow_exception(e);
  });
  io.run();
  EXPECT_EQ(result, 42);
  EXPECT_NE(work_thread, io_thread);
  EXPECT_EQ(resumed_thread, io_thread);
}

TEST(BlockingPool, PropagatesExceptions) {
  asio::io_context io;
  BlockingPool pool(1, 4);
  std::string caught;
  auto body = [&]() -> asio::awaitable<void> {
    try {
      auto work = []() -> int { throw std::runtime_error("disk on fire"); };
      co_await pool.run(std::move(work));
    } catch (const std::exception& e) {
      caught = e.what();
    }
  };
  asio::co_spawn(io, body, [](const std::exception_ptr& e) {
    if (e) std::rethrow_exception(e);
  });
  io.run();
  EXPECT_EQ(caught, "disk on fire");
}

TEST(BlockingPool, RefusesWorkBeyondTheQueueBound) {
  asio::io_context io;
  BlockingPool pool(1, 2);
  std::promise<void> release;
  auto gate = release.get_future().share();
  int refused = 0, done = 0;
  auto waiter = [](BlockingPool* pool, std::shared_future<void> gate, int* done,
                   int* refused) -> asio::awaitable<void> {
    try {
      auto wait_for_gate = [gate] { gate.wait(); };  // named local: see ARCHITECTURE §9 (g++ 12)
      co_await pool->run(std::move(wait_for_gate));
      ++*done;
    } catch (const Error& e) {
      EXPECT_EQ(e.status(), 503);
      ++*refused;
    }
  };
  for (int i = 0; i < 4; ++i) {
    asio::co_spawn(io, waiter(&pool, gate, &done, &refused), [](const std::exception_ptr& e) {
      if (e) std::rethrow_exception(e);
    });
  }
  io.poll();  // all four reach pool.run; two are refused immediately
  EXPECT_EQ(refused, 2);
  EXPECT_EQ(pool.queue_depth(), 2u);
  release.set_value();
  io.run();
  EXPECT_EQ(done, 2);
  EXPECT_EQ(pool.queue_depth(), 0u);
}

}  // namespace
}  // namespace tc
