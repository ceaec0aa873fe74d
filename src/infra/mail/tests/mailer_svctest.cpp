// Delivers through a real SMTP server: Debian's python3-aiosmtpd, started by the
// test on a free port with a Maildir mailbox.
#include "infra/mail/mailer.h"

#include "core/errors.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace tc::infra::mail {
namespace {

namespace fs = std::filesystem;

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
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  close(fd);
  return ok;
}

class SmtpServer {
 public:
  SmtpServer() : port_(free_port()), dir_(fs::temp_directory_path() / ("tc-maildir-" + std::to_string(getpid()))) {
    fs::remove_all(dir_);
    pid_ = fork();
    if (pid_ == 0) {
      std::string listen = "127.0.0.1:" + std::to_string(port_);
      execl("/usr/bin/python3", "python3", "-m", "aiosmtpd", "-n", "-l", listen.c_str(), "-c",
            "aiosmtpd.handlers.Mailbox", dir_.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    for (int i = 0; i < 100 && !port_open(port_); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
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

void run(Mailer& m, Email e, std::string* error) {
  boost::asio::io_context io;
  auto task = [](Mailer* mailer, Email email) -> boost::asio::awaitable<void> { co_await mailer->send(email); };
  boost::asio::co_spawn(io, task(&m, std::move(e)), [error](const std::exception_ptr& ex) {
    if (!ex) return;
    try {
      std::rethrow_exception(ex);
    } catch (const std::exception& err) {
      *error = err.what();
    }
  });
  io.run();
}

TEST(Mailer, DeliversToARealSmtpServer) {
  SmtpServer smtp;
  ASSERT_TRUE(port_open(smtp.port())) << "aiosmtpd did not start (python3-aiosmtpd installed?)";
  BlockingPool pool(1, 4);
  metrics::Registry metrics;
  Mailer m({"smtp://127.0.0.1:" + std::to_string(smtp.port()), "tradechat <noreply@tradechat.test>", "", "",
            std::chrono::seconds(5)},
           pool, metrics);
  std::string error;
  run(m, {"alice@example.com", "Réinitialiser le mot de passe", "Line one\n.leading dot\nLine three"}, &error);
  ASSERT_EQ(error, "");
  std::vector<std::string> got;
  for (int i = 0; i < 50 && got.empty(); ++i) {
    got = smtp.messages();
    if (got.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_EQ(got.size(), 1u);
  EXPECT_NE(got[0].find("To: <alice@example.com>"), std::string::npos) << got[0];
  EXPECT_NE(got[0].find("Subject: =?UTF-8?B?"), std::string::npos) << got[0];
  EXPECT_NE(got[0].find("\n.leading dot"), std::string::npos) << "dot-stuffing undone by the server: " << got[0];
  EXPECT_EQ(metrics.counter("tradechat_mail_sent_total", "").value(), 1);
}

TEST(Mailer, RefusesHeaderInjectionAndReportsAnUnreachableServer) {
  BlockingPool pool(1, 4);
  metrics::Registry metrics;
  Mailer m(
      {"smtp://127.0.0.1:" + std::to_string(free_port()), "noreply@tradechat.test", "", "", std::chrono::seconds(2)},
      pool, metrics);
  std::string error;
  run(m, {"victim@example.com\r\nBcc: everyone@example.com", "hi", "x"}, &error);
  EXPECT_NE(error.find("recipient address"), std::string::npos) << error;
  error.clear();
  run(m, {"bob@example.com", "hi\r\nBcc: x@example.com", "x"}, &error);
  EXPECT_NE(error.find("subject"), std::string::npos) << error;
  error.clear();
  run(m, {"bob@example.com", "hi", "x"}, &error);
  EXPECT_NE(error.find("did not accept"), std::string::npos) << error;
  EXPECT_EQ(metrics.counter("tradechat_mail_failed_total", "").value(), 1);
}

}  // namespace
}  // namespace tc::infra::mail
