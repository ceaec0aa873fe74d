// The daily digest through the real mail path, on both databases: passes of the
// scheduler driven by an injected clock (no waiting for wall time) record each
// user's day once, queue one email per day with notifications (none for a quiet
// day or a user who did not opt in), survive a restart without sending a day
// twice, follow the user's time zone across a DST change; the alert email queue
// then delivers them to a real SMTP server (Debian's python3-aiosmtpd).
#include "app/tests/test_context.h"
#include "infra/mail/mailer.h"
#include "infra/store/migrations.h"
#include "infra/store/postgres_store.h"
#include "modules/alerts/alerts_module.h"
#include "modules/alerts/digest.h"
#include "modules/alerts/email_sender.h"
#include "modules/alerts/inbox.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <sstream>
#include <thread>

namespace tc::alerts {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono;
using infra::store::Connection;
using infra::store::Value;
using StoreFactory = std::function<std::unique_ptr<infra::store::Store>(BlockingPool&, metrics::Registry&)>;

int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    close(fd);
    return 0;
  }
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

bool port_open(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(port));
  const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  close(fd);
  return ok;
}

class SmtpServer {
 public:
  SmtpServer() : port_(free_port()), dir_(fs::temp_directory_path() / ("tc-digest-" + std::to_string(getpid()))) {
    fs::remove_all(dir_);
    pid_ = fork();
    if (pid_ == 0) {
      const std::string listen = "127.0.0.1:" + std::to_string(port_);
      execl("/usr/bin/python3", "python3", "-m", "aiosmtpd", "-n", "-l", listen.c_str(), "-c",
            "aiosmtpd.handlers.Mailbox", dir_.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    for (int i = 0; i < 200 && !port_open(port_); ++i) std::this_thread::sleep_for(milliseconds(50));
  }
  ~SmtpServer() {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
    fs::remove_all(dir_);
  }
  int port() const { return port_; }
  std::vector<std::string> messages() const {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir_ / "new", ec)) {
      std::ifstream in(e.path());
      std::stringstream ss;
      ss << in.rdbuf();
      out.push_back(ss.str());
    }
    return out;
  }

 private:
  int port_;
  fs::path dir_;
  pid_t pid_ = -1;
};

// The auth module's directory, reduced to what the email queue asks: an address per account.
class Addresses final : public auth::ContactDirectory {
 public:
  boost::asio::awaitable<std::optional<std::string>> email_of(std::string user_id) override {
    co_return user_id + "@example.com";
  }
};

std::int64_t at(sys_days day, hours h, minutes m = minutes{0}) {
  return duration_cast<milliseconds>((day + h + m).time_since_epoch()).count();
}

// Europe/Berlin moves from CET (UTC+1) to CEST (UTC+2) at 01:00 UTC on 2026-03-29.
constexpr sys_days kMar27 = sys_days{year{2026} / 3 / 27};
constexpr sys_days kMar28 = sys_days{year{2026} / 3 / 28};
constexpr sys_days kMar29 = sys_days{year{2026} / 3 / 29};

class DigestDelivery : public ::testing::TestWithParam<StoreFactory> {
 protected:
  void SetUp() override {
    store_ = GetParam()(pool_, metrics_);
    infra::store::migrate(*store_, migrations());
  }

  void prefs(const std::string& user, bool digest, std::int64_t since) {
    Preferences p;
    p.digest = digest;
    p.digest_time_min = 8 * 60;
    p.digest_since_ms = since;
    p.time_zone = "Europe/Berlin";
    auto save = [&](Connection& c) { save_preferences(c, user, p, since); };
    store_->run_transaction(save);
  }
  void notify(const std::string& user, const std::string& title, std::int64_t when) {
    auto add = [&](Connection& c) { Inbox::insert(c, user, Notification{"alert", title, "body", {}}, when); };
    store_->run_transaction(add);
  }
  std::int64_t pass(DigestScheduler& s) {
    boost::asio::io_context io;
    std::int64_t queued = -1;
    boost::asio::co_spawn(io, s.run_once(), [&](const std::exception_ptr& e, std::int64_t n) {
      if (e) std::rethrow_exception(e);
      queued = n;
    });
    io.run();
    return queued;
  }
  std::int64_t count(const std::string& sql) {
    auto q = [&sql](Connection& c) { return c.execute(sql).rows.at(0).integer(0); };
    return store_->run_with_connection(q);
  }

  metrics::Registry metrics_;
  BlockingPool pool_{1, 4};
  std::unique_ptr<infra::store::Store> store_;
};

TEST_P(DigestDelivery, OneEmailPerDayAtTheLocalTimeNeverTwiceAndNoneForAQuietDay) {
  prefs("ann", true, at(kMar27, hours{12}));                 // switched on after the 27th's digest time
  prefs("bob", true, at(kMar27, hours{12}));                 // opted in, but nothing happens to bob
  prefs("cat", false, 0);                                    // not opted in
  notify("ann", "BTCUSD: breakout", at(kMar27, hours{13}));  // 14:00 CET
  notify("ann", "AAPL: dip", at(kMar28, hours{5}));          // 06:00 CET
  notify("cat", "ETHUSD: up", at(kMar28, hours{5}));

  std::int64_t now = 0;
  DigestScheduler first(
      *store_, [&now] { return now; }, milliseconds(1000));
  now = at(kMar28, hours{6}, minutes{59});  // 07:59 in Berlin: the 27th's 08:00 predates the opt-in
  EXPECT_EQ(pass(first), 0);
  now = at(kMar28, hours{7});  // 08:00 CET
  EXPECT_EQ(pass(first), 1) << "ann only: bob had nothing, cat did not opt in";
  notify("ann", "ETHUSD: late", at(kMar28, hours{7}, minutes{30}));  // after the digest: the next day's
  now = at(kMar28, hours{7}, minutes{30});
  EXPECT_EQ(pass(first), 0);
  {
    DigestScheduler restarted(
        *store_, [&now] { return now; }, milliseconds(1000));
    now = at(kMar28, hours{9});
    EXPECT_EQ(pass(restarted), 0) << "a restart does not send the day again";
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM digest_runs"), 2) << "ann's and bob's (empty) day";
  EXPECT_EQ(count("SELECT COUNT(*) FROM digest_runs WHERE user_id = 'bob' AND notifications = 0"), 1);

  DigestScheduler next_day(
      *store_, [&now] { return now; }, milliseconds(1000));
  now = at(kMar29, hours{5}, minutes{59});  // 07:59 CEST
  EXPECT_EQ(pass(next_day), 0);
  now = at(kMar29, hours{6});  // 08:00 CEST: one hour earlier in UTC than the day before
  EXPECT_EQ(pass(next_day), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM email_deliveries"), 2);

  // The alert email queue delivers them to the real SMTP server.
  SmtpServer smtp;
  ASSERT_TRUE(port_open(smtp.port())) << "aiosmtpd did not start (python3-aiosmtpd installed?)";
  infra::mail::Mailer mailer(
      {"smtp://127.0.0.1:" + std::to_string(smtp.port()), "tradechat <digest@tradechat.test>", "", "", seconds(10)},
      pool_, metrics_);
  Addresses addresses;
  WebhookSettings retry;
  retry.poll = milliseconds(20);
  boost::asio::io_context io;  // outlives the sender's timer
  EmailSender sender(*store_, &mailer, &addresses, retry);
  auto work = boost::asio::make_work_guard(io);
  sender.start(io);
  std::thread runner([&io] { io.run(); });
  std::vector<std::string> mails;
  for (int i = 0; i < 1500 && mails.size() < 2; ++i) {  // bounded wait for delivery, not a timing assertion
    std::this_thread::sleep_for(milliseconds(20));
    mails = smtp.messages();
  }
  sender.stop();
  work.reset();
  io.stop();
  runner.join();
  ASSERT_EQ(mails.size(), 2u);
  std::sort(mails.begin(), mails.end(), [](const auto& a, const auto& b) {
    const std::string first = "daily digest 2026-03-28";
    return a.find(first) != std::string::npos && b.find(first) == std::string::npos;
  });
  EXPECT_NE(mails[0].find("To: <ann@example.com>"), std::string::npos) << mails[0];
  EXPECT_NE(mails[0].find("Subject: tradechat daily digest 2026-03-28: 2 notifications"), std::string::npos)
      << mails[0];
  EXPECT_NE(mails[0].find("14:00  BTCUSD: breakout"), std::string::npos) << mails[0];
  EXPECT_NE(mails[0].find("06:00  AAPL: dip"), std::string::npos) << mails[0];
  EXPECT_EQ(mails[0].find("ETHUSD"), std::string::npos) << "cat's and the next day's are not in it";
  EXPECT_NE(mails[1].find("Subject: tradechat daily digest 2026-03-29: 1 notification"), std::string::npos) << mails[1];
  EXPECT_NE(mails[1].find("08:30  ETHUSD: late"), std::string::npos) << mails[1];
  EXPECT_EQ(count("SELECT COUNT(*) FROM email_deliveries WHERE status = 'delivered'"), 2);
}

std::unique_ptr<infra::store::Store> sqlite(BlockingPool& pool, metrics::Registry& metrics) {
  return app::testing::temp_store(pool, metrics);
}

std::unique_ptr<infra::store::Store> postgres(BlockingPool& pool, metrics::Registry& metrics) {
  const char* url = std::getenv("TRADECHAT_TEST_DATABASE_URL");
  if (!url) throw std::runtime_error("TRADECHAT_TEST_DATABASE_URL is not set (scripts/services env)");
  auto store = infra::store::open_postgres({.url = url, .pool_size = 4}, pool, metrics);
  auto reset = [](Connection& c) { c.execute_script("DROP SCHEMA public CASCADE; CREATE SCHEMA public;"); };
  store->run_with_connection(reset);
  return store;
}

INSTANTIATE_TEST_SUITE_P(Stores, DigestDelivery, ::testing::Values(StoreFactory(sqlite), StoreFactory(postgres)),
                         [](const auto& info) { return info.index == 0 ? std::string("SQLite") : "PostgreSQL"; });

}  // namespace
}  // namespace tc::alerts
