// Durable appends per second through the store: group commit (many concurrent
// writers sharing transactions) or one row per transaction, on SQLite or
// PostgreSQL. Prints one line: "<engine> <mode> <writers> <appends/s> <avg batch>".
// Usage: store_bench sqlite|postgres <path-or-url> group|single <writers> <seconds>
#include "infra/store/group_commit.h"
#include "infra/store/postgres_store.h"
#include "infra/store/sqlite_store.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

using namespace tc;
using namespace tc::infra::store;

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr, "usage: %s sqlite|postgres <path-or-url> group|single <writers> <seconds>\n", argv[0]);
    return 2;
  }
  const std::string engine = argv[1], where = argv[2], mode = argv[3];
  const int writers = std::atoi(argv[4]);
  const int seconds = std::atoi(argv[5]);
  BlockingPool pool(8, 100000);
  metrics::Registry metrics;
  std::unique_ptr<Store> store;
  if (engine == "sqlite") {
    std::filesystem::remove(where);
    store = open_sqlite({.file = where, .pool_size = 8}, pool, metrics);
  } else {
    store = open_postgres({.url = where, .pool_size = 8}, pool, metrics);
  }
  auto reset = [&](Connection& c) {
    c.execute_script("DROP TABLE IF EXISTS bench_messages");
    c.execute_script(engine == "sqlite"
                         ? "CREATE TABLE bench_messages (id INTEGER PRIMARY KEY AUTOINCREMENT, room BIGINT, body TEXT)"
                         : "CREATE TABLE bench_messages (id BIGSERIAL PRIMARY KEY, room BIGINT, body TEXT)");
  };
  store->run_with_connection(reset);

  using Item = std::pair<std::int64_t, std::string>;
  GroupCommitter<Item> gc(
      *store,
      [](Connection& c, std::vector<Item>& items) {
        std::vector<std::vector<Value>> rows;
        rows.reserve(items.size());
        for (auto& [room, body] : items) rows.push_back({room, std::move(body)});
        c.execute_many("INSERT INTO bench_messages (room, body) VALUES (?1, ?2)", rows);
      },
      {.max_batch = 1024, .max_delay = std::chrono::milliseconds(2)}, metrics, "bench");

  std::atomic<std::int64_t> done{0};
  std::atomic<bool> stop{false};
  boost::asio::io_context io;
  const std::string body(120, 'm');  // a typical chat message
  for (int w = 0; w < writers; ++w) {
    auto writer = [](Store* s, GroupCommitter<Item>* gc, std::string mode, std::int64_t room, std::string body,
                     std::atomic<std::int64_t>* done, std::atomic<bool>* stop) -> boost::asio::awaitable<void> {
      while (!stop->load()) {
        if (mode == "group") {
          Item item{room, body};
          co_await gc->append(std::move(item));
        } else {
          auto insert = [room, body](Connection& c) {
            c.execute("INSERT INTO bench_messages (room, body) VALUES (?1, ?2)", std::vector<Value>{room, body});
          };
          co_await s->transaction(std::move(insert));
        }
        done->fetch_add(1);
      }
    };
    boost::asio::co_spawn(io, writer(store.get(), &gc, mode, w % 50, body, &done, &stop),
                          [](const std::exception_ptr& e) {
                            if (e) std::rethrow_exception(e);
                          });
  }
  boost::asio::steady_timer timer(io, std::chrono::seconds(seconds));
  auto started = std::chrono::steady_clock::now();
  std::int64_t at_stop = 0;
  timer.async_wait([&](const boost::system::error_code&) {
    at_stop = done.load();
    stop = true;
  });
  io.run();
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  (void)elapsed;
  auto& sizes = metrics.histogram("tradechat_store_group_commit_batch_size", "", {{"stream", "bench"}},
                                  {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024});
  double avg_batch = sizes.count() ? sizes.sum() / static_cast<double>(sizes.count()) : 1.0;
  std::printf("%s %s %d %.0f %.1f\n", engine.c_str(), mode.c_str(), writers, static_cast<double>(at_stop) / seconds,
              avg_batch);
  gc.stop();
  return 0;
}
