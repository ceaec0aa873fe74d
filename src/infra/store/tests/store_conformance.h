// One conformance suite for every Store implementation; each test program
// instantiates it for its backend (SQLite in store_sqlite_test.cpp, PostgreSQL in
// store_postgres_svctest.cpp).
#pragma once

#include "core/errors.h"
#include "infra/store/group_commit.h"
#include "infra/store/migrations.h"
#include "infra/store/store.h"

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <functional>
#include <limits>
#include <memory>

namespace tc::infra::store::testing {
// Internal linkage: each test program that includes this gets its own copy.
namespace {

using Factory = std::function<std::unique_ptr<Store>(BlockingPool&, metrics::Registry&)>;

class StoreConformance : public ::testing::TestWithParam<Factory> {
 protected:
  void SetUp() override {
    store_ = GetParam()(pool_, metrics_);
    auto reset = [](Connection& c) {
      c.execute_script(
          "DROP TABLE IF EXISTS conf_items; DROP TABLE IF EXISTS conf_log; DROP TABLE IF EXISTS schema_migrations;"
          "DROP TABLE IF EXISTS conf_migrated");
      c.execute_script(
          "CREATE TABLE conf_items (id BIGINT PRIMARY KEY, name TEXT, qty BIGINT, price DOUBLE PRECISION, "
          "flag BOOLEAN, payload BYTEA)");
      c.execute_script("CREATE TABLE conf_log (id BIGINT PRIMARY KEY, body TEXT NOT NULL)");
    };
    if (store_->dialect() == Dialect::sqlite) {
      auto reset_sqlite = [](Connection& c) {
        c.execute_script(
            "DROP TABLE IF EXISTS conf_items; DROP TABLE IF EXISTS conf_log; DROP TABLE IF EXISTS schema_migrations;"
            "DROP TABLE IF EXISTS conf_migrated;"
            "CREATE TABLE conf_items (id INTEGER PRIMARY KEY, name TEXT, qty INTEGER, price REAL, flag INTEGER, "
            "payload BLOB);"
            "CREATE TABLE conf_log (id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
      };
      store_->run_with_connection(reset_sqlite);
    } else {
      store_->run_with_connection(reset);
    }
  }

  template <class F>
  void run(F body) {
    boost::asio::io_context io;
    std::exception_ptr failure;
    boost::asio::co_spawn(io, body(), [&](const std::exception_ptr& e) { failure = e; });
    io.run();
    if (failure) std::rethrow_exception(failure);
  }

  BlockingPool pool_{4, 1024};
  metrics::Registry metrics_;
  std::unique_ptr<Store> store_;
};

inline boost::asio::awaitable<void> insert_item(Store* s, std::int64_t id, std::string name) {
  std::vector<Value> params{id, std::move(name)};
  co_await s->execute("INSERT INTO conf_items (id, name) VALUES (?1, ?2)", std::move(params));
}

TEST_P(StoreConformance, TypedValuesRoundTrip) {
  const std::string bytes(
      "\x00\x01\xff\xfe zero\x00"
      "byte",
      14);
  auto body = [&]() -> boost::asio::awaitable<void> {
    const std::string insert =
        "INSERT INTO conf_items (id, name, qty, price, flag, payload) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
    std::vector<Value> first{
        std::int64_t{1}, std::string("widget"), std::numeric_limits<std::int64_t>::max(), 0.1 + 0.2, true, Blob{bytes}};
    co_await store_->execute(insert, std::move(first));
    std::vector<Value> second{std::int64_t{2}, nullptr, std::numeric_limits<std::int64_t>::min(),
                              -1e300,          false,   nullptr};
    co_await store_->execute(insert, std::move(second));
    auto r = co_await store_->execute("SELECT id, name, qty, price, flag, payload FROM conf_items ORDER BY id");
    EXPECT_EQ(r.rows.size(), 2u);
    const auto& a = r.rows[0];
    EXPECT_EQ(a.integer(0), 1);
    EXPECT_EQ(a.text(1), "widget");
    EXPECT_EQ(a.integer(2), std::numeric_limits<std::int64_t>::max());
    EXPECT_DOUBLE_EQ(a.real(3), 0.1 + 0.2);
    EXPECT_TRUE(a.boolean(4));
    EXPECT_EQ(a.blob(5), bytes);
    const auto& b = r.rows[1];
    EXPECT_TRUE(b.is_null(1));
    EXPECT_FALSE(b.opt_text(1).has_value());
    EXPECT_EQ(b.integer(2), std::numeric_limits<std::int64_t>::min());
    EXPECT_DOUBLE_EQ(b.real(3), -1e300);
    EXPECT_FALSE(b.boolean(4));
    EXPECT_TRUE(b.is_null(5));
  };
  run(body);
}

TEST_P(StoreConformance, SqlMetacharactersArriveAsDataByteForByte) {
  const std::vector<std::string> nasty = {
      "'; DROP TABLE conf_items; --", "Robert'); DELETE FROM conf_items WHERE ('1'='1",
      "$1 $2 ?1 ?2 :name @p",         "\"double\" `back` [bracket]",
      "back\\slash \\x00 \\\\",       "percent %s %d %n",
      "line\nbreak\ttab\r\n",         "emoji 📈💹 and ünïcödé",
      std::string(5000, 'x'),         "",
      " leading and trailing "};
  auto body = [&]() -> boost::asio::awaitable<void> {
    for (std::size_t i = 0; i < nasty.size(); ++i)
      co_await insert_item(store_.get(), static_cast<std::int64_t>(i), nasty[i]);
    for (std::size_t i = 0; i < nasty.size(); ++i) {
      std::vector<Value> params{nasty[i], static_cast<std::int64_t>(i)};
      auto r = co_await store_->execute("SELECT name FROM conf_items WHERE name = ?1 AND id = ?2", std::move(params));
      EXPECT_EQ(r.rows.size(), 1u) << i;
      if (!r.rows.empty()) {
        EXPECT_EQ(r.rows[0].text(0), nasty[i]) << i;
      }
    }
    auto count = co_await store_->execute("SELECT COUNT(*) FROM conf_items");
    EXPECT_EQ(count.rows[0].integer(0), static_cast<std::int64_t>(nasty.size()));
  };
  run(body);
}

TEST_P(StoreConformance, TransactionsRollBackWhenTheBodyThrows) {
  auto body = [&]() -> boost::asio::awaitable<void> {
    auto fails = [](Connection& c) {
      c.execute("INSERT INTO conf_items (id, name) VALUES (?1, ?2)", std::vector<Value>{std::int64_t{7}, "gone"});
      throw std::runtime_error("changed my mind");
    };
    EXPECT_THROW(co_await store_->transaction(fails), std::runtime_error);
    auto ok = [](Connection& c) {
      c.execute("INSERT INTO conf_items (id, name) VALUES (?1, ?2)", std::vector<Value>{std::int64_t{8}, "kept"});
      return c.execute("SELECT COUNT(*) FROM conf_items").rows[0].integer(0);
    };
    EXPECT_EQ(co_await store_->transaction(ok), 1);
    auto r = co_await store_->execute("SELECT id FROM conf_items");
    EXPECT_EQ(r.rows.size(), 1u);
    EXPECT_EQ(r.rows[0].integer(0), 8);
  };
  run(body);
}

TEST_P(StoreConformance, DuplicateKeysAreConflicts) {
  auto body = [&]() -> boost::asio::awaitable<void> {
    co_await insert_item(store_.get(), 1, "a");
    try {
      co_await insert_item(store_.get(), 1, "b");
      ADD_FAILURE() << "expected a conflict";
    } catch (const Error& e) {
      EXPECT_EQ(e.status(), 409);
      EXPECT_EQ(std::string(e.what()).find("\"b\""), std::string::npos) << "values stay out of errors";
    }
    auto bad_sql = [](Connection& c) {
      c.execute("SELECT * FROM no_such_table WHERE x = ?1", std::vector<Value>{std::string("secret-value")});
    };
    try {
      co_await store_->with_connection(bad_sql);
      ADD_FAILURE() << "expected an error";
    } catch (const Error& e) {
      EXPECT_EQ(e.status(), 500);
      EXPECT_EQ(std::string(e.what()).find("secret-value"), std::string::npos);
    }
    // The pool still works after errors.
    co_await insert_item(store_.get(), 2, "c");
  };
  run(body);
}

TEST_P(StoreConformance, ExecuteManyWritesEveryRowOrFailsLikeOneStatement) {
  std::vector<std::vector<Value>> rows;
  for (std::int64_t i = 0; i < 300; ++i) rows.push_back({i, "row " + std::to_string(i)});
  auto write = [&](Connection& c) { c.execute_many("INSERT INTO conf_log (id, body) VALUES (?1, ?2)", rows); };
  store_->run_transaction(write);
  auto count = [](Connection& c) { return c.execute("SELECT COUNT(*) FROM conf_log").rows[0].integer(0); };
  EXPECT_EQ(store_->run_with_connection(count), 300);
  // Row 150 collides: the statement fails with a conflict and the transaction rolls back.
  std::vector<std::vector<Value>> clash;
  for (std::int64_t i = 1000; i < 1150; ++i) clash.push_back({i, "new"});
  clash.push_back({std::int64_t{7}, "duplicate"});
  for (std::int64_t i = 1150; i < 1200; ++i) clash.push_back({i, "new"});
  auto write_clash = [&](Connection& c) { c.execute_many("INSERT INTO conf_log (id, body) VALUES (?1, ?2)", clash); };
  try {
    store_->run_transaction(write_clash);
    ADD_FAILURE() << "expected a conflict";
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), 409);
  }
  EXPECT_EQ(store_->run_with_connection(count), 300);
  // The connection is usable afterwards.
  auto after = [](Connection& c) {
    c.execute("INSERT INTO conf_log (id, body) VALUES (?1, ?2)", std::vector<Value>{std::int64_t{5000}, "after"});
  };
  store_->run_transaction(after);
  EXPECT_EQ(store_->run_with_connection(count), 301);
}

TEST_P(StoreConformance, ConcurrentWritersThroughThePool) {
  boost::asio::io_context io;
  int done = 0;
  for (int w = 0; w < 8; ++w) {
    auto writer = [](Store* s, int w, int* done) -> boost::asio::awaitable<void> {
      for (int i = 0; i < 25; ++i) co_await insert_item(s, w * 1000 + i, "w" + std::to_string(w));
      ++*done;
    };
    boost::asio::co_spawn(io, writer(store_.get(), w, &done), [](const std::exception_ptr& e) {
      if (e) std::rethrow_exception(e);
    });
  }
  io.run();
  EXPECT_EQ(done, 8);
  auto count = [](Connection& c) { return c.execute("SELECT COUNT(*) FROM conf_items").rows[0].integer(0); };
  EXPECT_EQ(store_->run_with_connection(count), 200);
}

inline std::vector<Migration> conf_migrations() {
  return {{"conf", 1, "create", "CREATE TABLE conf_migrated (id INTEGER PRIMARY KEY, v TEXT)",
           "CREATE TABLE conf_migrated (id BIGINT PRIMARY KEY, v TEXT)"},
          {"conf", 2, "add column", "ALTER TABLE conf_migrated ADD COLUMN w TEXT",
           "ALTER TABLE conf_migrated ADD COLUMN w TEXT"}};
}

TEST_P(StoreConformance, MigrationsApplyOnceAndRefuseNewerOrChangedDatabases) {
  auto first = migrate(*store_, conf_migrations());
  EXPECT_EQ(first.applied, (std::vector<std::string>{"conf v1 create", "conf v2 add column"}));
  EXPECT_TRUE(migrate(*store_, conf_migrations()).applied.empty()) << "idempotent";
  auto insert = [](Connection& c) {
    c.execute("INSERT INTO conf_migrated (id, v, w) VALUES (?1, ?2, ?3)",
              std::vector<Value>{std::int64_t{1}, "a", "b"});
  };
  store_->run_with_connection(insert);

  // This binary knows only v1: the database is newer.
  auto older_binary = conf_migrations();
  older_binary.pop_back();
  try {
    migrate(*store_, older_binary);
    ADD_FAILURE() << "expected a refusal";
  } catch (const Error& e) {
    EXPECT_EQ(e.type(), "database-too-new");
    EXPECT_NE(std::string(e.what()).find("conf v2"), std::string::npos) << e.what();
  }
  auto changed = conf_migrations();
  changed[0].sqlite_sql += " ";
  changed[0].postgres_sql += " ";
  try {
    migrate(*store_, changed);
    ADD_FAILURE() << "expected a refusal";
  } catch (const Error& e) {
    EXPECT_EQ(e.type(), "migration-changed");
  }
  // A module the binary does not know at all.
  try {
    migrate(*store_, {});
    ADD_FAILURE() << "expected a refusal";
  } catch (const Error& e) {
    EXPECT_EQ(e.type(), "database-too-new");
  }
}

TEST_P(StoreConformance, FailedMigrationLeavesNothingBehind) {
  std::vector<Migration> broken = {{"conf", 1, "broken",
                                    "CREATE TABLE conf_migrated (id INTEGER); SELECT nope FROM nowhere",
                                    "CREATE TABLE conf_migrated (id BIGINT); SELECT nope FROM nowhere"}};
  EXPECT_THROW(migrate(*store_, broken), Error);
  auto exists = [](Connection& c) {
    return c.execute("SELECT COUNT(*) FROM schema_migrations WHERE module = ?1", std::vector<Value>{"conf"})
        .rows[0]
        .integer(0);
  };
  EXPECT_EQ(store_->run_with_connection(exists), 0);
  EXPECT_EQ(migrate(*store_, conf_migrations()).applied.size(), 2u) << "the table was rolled back too";
}

TEST_P(StoreConformance, GroupCommitResumesCallersOnlyAfterTheirWriteCommitted) {
  using Item = std::pair<std::int64_t, std::string>;
  GroupCommitter<Item> committer(
      *store_,
      [](Connection& c, std::vector<Item>& items) {
        for (auto& [id, body] : items) {
          c.execute("INSERT INTO conf_log (id, body) VALUES (?1, ?2)", std::vector<Value>{id, body});
        }
      },
      {.max_batch = 64, .max_delay = std::chrono::milliseconds(5)}, metrics_, "conf");
  boost::asio::io_context io;
  int acked = 0, visible_at_ack = 0;
  for (int i = 0; i < 300; ++i) {
    auto writer = [](GroupCommitter<Item>* gc, Store* s, int i, int* acked,
                     int* visible) -> boost::asio::awaitable<void> {
      Item item{i, "message " + std::to_string(i)};
      co_await gc->append(std::move(item));
      ++*acked;
      // Visible to another connection the moment the caller resumes: committed.
      std::vector<Value> params{std::int64_t{i}};
      auto r = co_await s->execute("SELECT body FROM conf_log WHERE id = ?1", std::move(params));
      if (r.rows.size() == 1) ++*visible;
    };
    boost::asio::co_spawn(io, writer(&committer, store_.get(), i, &acked, &visible_at_ack),
                          [](const std::exception_ptr& e) {
                            if (e) std::rethrow_exception(e);
                          });
  }
  io.run();
  EXPECT_EQ(acked, 300);
  EXPECT_EQ(visible_at_ack, 300);
  auto& sizes = metrics_.histogram("tradechat_store_group_commit_batch_size", "", {{"stream", "conf"}},
                                   {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024});
  EXPECT_LT(sizes.count(), 300u) << "writes shared transactions";
}

TEST_P(StoreConformance, AFailedBatchFailsEveryCallerInIt) {
  using Item = std::int64_t;
  GroupCommitter<Item> committer(
      *store_,
      [](Connection& c, std::vector<Item>& items) {
        for (auto id : items) c.execute("INSERT INTO conf_log (id, body) VALUES (?1, ?2)", std::vector<Value>{id, "x"});
      },
      {.max_batch = 1000, .max_delay = std::chrono::milliseconds(20)}, metrics_, "conf-fail");
  boost::asio::io_context io;
  int failed = 0, ok = 0;
  for (int i = 0; i < 10; ++i) {
    // Two callers write id 5: the whole batch conflicts and rolls back.
    auto writer = [](GroupCommitter<Item>* gc, std::int64_t id, int* ok, int* failed) -> boost::asio::awaitable<void> {
      try {
        co_await gc->append(id);
        ++*ok;
      } catch (const Error& e) {
        EXPECT_EQ(e.status(), 409);
        ++*failed;
      }
    };
    boost::asio::co_spawn(io, writer(&committer, i == 9 ? 5 : i, &ok, &failed), [](const std::exception_ptr& e) {
      if (e) std::rethrow_exception(e);
    });
  }
  io.run();
  EXPECT_EQ(failed + ok, 10);
  EXPECT_GT(failed, 0);
  auto count = [](Connection& c) { return c.execute("SELECT COUNT(*) FROM conf_log").rows[0].integer(0); };
  EXPECT_EQ(store_->run_with_connection(count), ok) << "exactly the acknowledged writes are stored";
}

}  // namespace
}  // namespace tc::infra::store::testing
