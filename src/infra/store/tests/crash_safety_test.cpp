// Crash safety of SQLite group commit: a writer process appends as fast as it can
// and reports each acknowledged id on a pipe; it is SIGKILLed at a random moment,
// 50 times. After each kill every acknowledged id must be in the database and
// PRAGMA integrity_check must say ok.
#include "infra/store/group_commit.h"
#include "infra/store/sqlite_store.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <set>
#include <string>
#include <thread>

namespace tc::infra::store {
namespace {

constexpr const char* kWriterEnv = "TC_CRASH_WRITER_DB";

// Writer mode: the test program re-executes itself with kWriterEnv set; this
// static object takes over before GoogleTest's main runs.
void run_writer(const char* path) {
  BlockingPool pool(2, 1024);
  metrics::Registry metrics;
  auto store = open_sqlite({.file = path, .pool_size = 2}, pool, metrics);
  auto create = [](Connection& c) {
    c.execute_script("CREATE TABLE IF NOT EXISTS acked (id INTEGER PRIMARY KEY, body TEXT)");
  };
  store->run_with_connection(create);
  auto max_id = [](Connection& c) { return c.execute("SELECT COALESCE(MAX(id), 0) FROM acked").rows[0].integer(0); };
  std::int64_t next = store->run_with_connection(max_id) + 1;
  GroupCommitter<std::int64_t> gc(
      *store,
      [](Connection& c, std::vector<std::int64_t>& ids) {
        for (auto id : ids) {
          c.execute("INSERT INTO acked (id, body) VALUES (?1, ?2)", std::vector<Value>{id, std::string(100, 'm')});
        }
      },
      {.max_batch = 256, .max_delay = std::chrono::milliseconds(2)}, metrics, "crash");
  boost::asio::io_context io;
  for (int w = 0; w < 16; ++w) {
    auto writer = [](GroupCommitter<std::int64_t>* gc, std::int64_t first, int stride) -> boost::asio::awaitable<void> {
      for (std::int64_t id = first;; id += stride) {
        co_await gc->append(id);
        std::printf("%lld\n", static_cast<long long>(id));  // acknowledged
        std::fflush(stdout);
      }
    };
    boost::asio::co_spawn(io, writer(&gc, next + w, 16), [](const std::exception_ptr&) { std::_Exit(3); });
  }
  io.run();
}

struct WriterMode {
  WriterMode() {
    if (const char* path = std::getenv(kWriterEnv)) {
      run_writer(path);
      std::_Exit(0);
    }
  }
} writer_mode;

TEST(CrashSafety, AcknowledgedWritesSurviveSigkillAtRandomPoints) {
  auto dir = std::filesystem::temp_directory_path() / ("tc-crash-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const auto db = (dir / "crash.db").string();
  std::mt19937 rng(12345);
  std::uniform_int_distribution<int> delay_ms(30, 250);
  std::set<long long> acked;
  for (int round = 0; round < 50; ++round) {
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    pid_t pid = fork();
    if (pid == 0) {
      dup2(fds[1], STDOUT_FILENO);
      close(fds[0]);
      setenv(kWriterEnv, db.c_str(), 1);
      execl("/proc/self/exe", "crash-writer", static_cast<char*>(nullptr));
      _exit(127);
    }
    close(fds[1]);
    std::thread killer([pid, d = delay_ms(rng)] {
      std::this_thread::sleep_for(std::chrono::milliseconds(d));
      kill(pid, SIGKILL);
    });
    FILE* in = fdopen(fds[0], "r");
    long long id = 0;
    while (std::fscanf(in, "%lld", &id) == 1) acked.insert(id);
    std::fclose(in);
    killer.join();
    int status = 0;
    waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status)) << "round " << round << ": the writer was expected to die by SIGKILL";

    BlockingPool pool(1, 16);
    metrics::Registry metrics;
    auto store = open_sqlite({.file = db, .pool_size = 1}, pool, metrics);
    auto check = [](Connection& c) { return c.execute("PRAGMA integrity_check").rows[0].text(0); };
    ASSERT_EQ(store->run_with_connection(check), "ok") << "round " << round;
    auto ids = [](Connection& c) { return c.execute("SELECT id FROM acked"); };
    std::set<long long> stored;
    for (const auto& row : store->run_with_connection(ids).rows) stored.insert(row.integer(0));
    for (auto a : acked) ASSERT_TRUE(stored.count(a)) << "round " << round << ": acknowledged id " << a << " was lost";
  }
  EXPECT_GT(acked.size(), 100u) << "the writer made progress";
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tc::infra::store
