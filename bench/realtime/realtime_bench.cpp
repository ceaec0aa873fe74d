// Load generator for bench/realtime: many WebSocket clients on one epoll loop (one
// core), so it is not the bottleneck, against tradechat (the Centrifugo JSON
// protocol) or a plain broadcast peer (Node `ws`). Prints `<name> <value>` lines.
//
//   realtime_bench fanout <proto> <port> <server_pid> <subscribers> <rate/s> <seconds> [tc options]
//   realtime_bench echo   <proto> <port> <server_pid> <connections> <seconds> [tc options]
//   realtime_bench idle   <proto> <port> <server_pid> <connections> [tc options]
//
// proto: `tc` or `ws`. tc options: --token T (subscribers / echo clients sign in with
// it), --channel C (subscribe to C after connect; else the personal channel, a
// server-side subscription), --pub-token T --pub-channel C --mention NAME (the
// publisher publishes `{"text":"@NAME t=<µs>"}` into C; the mention reaches NAME's
// personal channel on every connection). ws: the publisher sends `t=<µs> <padding>`
// and the peer broadcasts it to everyone else; echo sends and gets back one frame.
//
// fanout: one publisher at <rate> publications/s; each subscriber measures the
// latency from the publisher's clock stamp (same process, CLOCK_MONOTONIC) to the
// moment it parsed the message. echo: each client keeps one request in flight and
// measures its round trip. idle: connects (and subscribes), then reports the server's
// RSS growth per connection. CPU comes from /proc/<server_pid>/stat over the measured
// window (after a warm-up of a fifth of it, at least 1 s).
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

std::int64_t now_us() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000 + ts.tv_nsec / 1000;
}

double process_cpu_seconds(int pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  // Fields after the command name (which may contain spaces) in parentheses.
  std::istringstream rest(stat.substr(stat.rfind(')') + 2));
  std::string field;
  unsigned long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::stoul(field);
    if (i == 15) stime = std::stoul(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

long rss_kib(int pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return 0;
}

double self_cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// Latencies: 1 µs buckets below 100 ms, 1 ms buckets above (to 100 s).
class Histogram {
 public:
  void add(std::int64_t us) {
    if (us < 0) us = 0;
    if (us < kFine)
      ++fine_[static_cast<std::size_t>(us)];
    else
      ++coarse_[static_cast<std::size_t>(std::min<std::int64_t>(us / 1000, kCoarse - 1))];
    ++count_;
  }
  std::uint64_t count() const { return count_; }
  double percentile_ms(double p) const {
    if (count_ == 0) return 0;
    const auto want = static_cast<std::uint64_t>(p * static_cast<double>(count_ - 1)) + 1;
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < fine_.size(); ++i) {
      seen += fine_[i];
      if (seen >= want) return static_cast<double>(i) / 1000.0;
    }
    for (std::size_t i = 0; i < coarse_.size(); ++i) {
      seen += coarse_[i];
      if (seen >= want) return static_cast<double>(i);
    }
    return static_cast<double>(kCoarse);
  }

 private:
  static constexpr std::int64_t kFine = 100'000;
  static constexpr std::int64_t kCoarse = 100'000;
  std::vector<std::uint64_t> fine_ = std::vector<std::uint64_t>(kFine);
  std::vector<std::uint64_t> coarse_ = std::vector<std::uint64_t>(kCoarse);
  std::uint64_t count_ = 0;
};

struct Options {
  std::string mode, proto;
  int port = 0, server_pid = 0;
  int conns = 0;
  double rate = 0;
  double seconds = 0;
  std::string token, channel, pub_token, pub_channel, mention;
  bool tc() const { return proto == "tc"; }
};

enum class Role { subscriber, publisher, echo };

struct Conn {
  int fd = -1;
  Role role = Role::subscriber;
  bool upgraded = false;
  bool ready = false;  // connected (and subscribed) at the protocol level
  bool closed = false;
  std::string in;
  std::string out;
  std::uint64_t next_id = 1;
  std::int64_t sent_at = 0;  // echo: the request in flight
};

std::string client_frame(std::string_view payload) {
  // Masked (clients must mask) with the all-zero key: the payload goes out as is.
  std::string f;
  f.push_back(static_cast<char>(0x81));
  const auto n = payload.size();
  if (n < 126) {
    f.push_back(static_cast<char>(0x80 | n));
  } else if (n < 65536) {
    f.push_back(static_cast<char>(0x80 | 126));
    f.push_back(static_cast<char>(n >> 8));
    f.push_back(static_cast<char>(n & 0xff));
  } else {
    f.push_back(static_cast<char>(0x80 | 127));
    for (int i = 7; i >= 0; --i) f.push_back(static_cast<char>((static_cast<std::uint64_t>(n) >> (8 * i)) & 0xff));
  }
  f.append(4, '\0');
  f.append(payload);
  return f;
}

std::string control_frame(int opcode, std::string_view payload) {
  std::string f;
  f.push_back(static_cast<char>(0x80 | opcode));
  f.push_back(static_cast<char>(0x80 | payload.size()));
  f.append(4, '\0');
  f.append(payload);
  return f;
}

class Bench {
 public:
  explicit Bench(Options o) : o_(std::move(o)), epoll_(epoll_create1(0)) {}

  int run() {
    const int total = o_.conns + (o_.mode == "fanout" ? 1 : 0);
    const double rss_before = static_cast<double>(rss_kib(o_.server_pid));
    const auto t_connect = now_us();
    // Connects in windows so the listen backlog never overflows.
    int opened = 0;
    while (ready_ < total) {
      while (opened < total && opened - ready_ < 256) {
        const Role role = o_.mode == "echo"                             ? Role::echo
                          : (o_.mode == "fanout" && opened == o_.conns) ? Role::publisher
                                                                        : Role::subscriber;
        if (!open_conn(role)) return 1;
        ++opened;
      }
      poll(100);
      if (failed_ > 0) {
        std::fprintf(stderr, "%d connections failed during setup\n", failed_);
        return 1;
      }
      if (now_us() - t_connect > 300'000'000) {
        std::fprintf(stderr, "setup timed out: %d of %d ready\n", ready_, total);
        return 1;
      }
    }
    std::printf("connections %d\nsetup_seconds %.2f\n", o_.conns, static_cast<double>(now_us() - t_connect) / 1e6);
    if (o_.mode == "idle") {
      // Let allocations settle, then read the growth.
      const auto until = now_us() + 2'000'000;
      while (now_us() < until) poll(100);
      const double rss_after = static_cast<double>(rss_kib(o_.server_pid));
      std::printf("server_rss_before_kib %.0f\nserver_rss_after_kib %.0f\n", rss_before, rss_after);
      std::printf("kib_per_connection %.2f\n", (rss_after - rss_before) / o_.conns);
      return 0;
    }
    const double warmup = std::max(1.0, o_.seconds / 5);
    measure_ = false;
    if (o_.mode == "echo") {
      for (auto& c : conns_) send_echo(*c);
    }
    run_for(warmup);
    measure_ = true;
    delivered_ = 0;
    const double cpu0 = process_cpu_seconds(o_.server_pid);
    const double self0 = self_cpu_seconds();
    const auto t0 = now_us();
    run_for(o_.seconds);
    const auto t1 = now_us();
    const double cpu1 = process_cpu_seconds(o_.server_pid);
    const double self1 = self_cpu_seconds();
    measure_ = false;
    const double wall = static_cast<double>(t1 - t0) / 1e6;
    std::printf("seconds %.2f\n", wall);
    if (o_.mode == "fanout") {
      std::printf("published %llu\noffered_per_s %.0f\n", static_cast<unsigned long long>(published_),
                  static_cast<double>(published_) * o_.conns / wall);
    }
    std::printf("delivered %llu\ndelivered_per_s %.0f\n", static_cast<unsigned long long>(delivered_),
                static_cast<double>(delivered_) / wall);
    std::printf("p50_ms %.3f\np99_ms %.3f\np999_ms %.3f\n", hist_.percentile_ms(0.50), hist_.percentile_ms(0.99),
                hist_.percentile_ms(0.999));
    std::printf("server_cpu_seconds %.3f\nserver_cpu_us_per_message %.3f\n", cpu1 - cpu0,
                delivered_ ? (cpu1 - cpu0) * 1e6 / static_cast<double>(delivered_) : 0.0);
    std::printf("loadgen_cpu_share %.2f\n", (self1 - self0) / wall);
    std::printf("closed_by_server %d\nbytes_per_message %.0f\n", closed_,
                delivered_ ? static_cast<double>(bytes_) / static_cast<double>(delivered_) : 0.0);
    return 0;
  }

 private:
  bool open_conn(Role role) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (fd < 0) {
      std::perror("socket (raise ulimit -n)");
      return false;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(o_.port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0 && errno != EINPROGRESS) {
      std::perror("connect");
      close(fd);
      return false;
    }
    auto c = std::make_unique<Conn>();
    c->fd = fd;
    c->role = role;
    c->out = "GET " + std::string(o_.tc() ? "/connection/websocket" : "/") +
             " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
             "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT | EPOLLET;
    ev.data.ptr = c.get();
    epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &ev);
    if (role == Role::publisher) publisher_ = c.get();
    conns_.push_back(std::move(c));
    return true;
  }

  void run_for(double seconds) {
    const auto until = now_us() + static_cast<std::int64_t>(seconds * 1e6);
    while (now_us() < until) {
      if (o_.mode == "fanout" && publisher_ && publisher_->ready) {
        const auto interval = static_cast<std::int64_t>(1e6 / o_.rate);
        if (next_pub_ == 0) next_pub_ = now_us();
        while (now_us() >= next_pub_) {
          publish();
          next_pub_ += interval;
        }
        poll(static_cast<int>(std::max<std::int64_t>(0, (next_pub_ - now_us()) / 1000)));
      } else {
        poll(10);
      }
    }
  }

  void poll(int timeout_ms) {
    epoll_event events[512];
    const int n = epoll_wait(epoll_, events, 512, timeout_ms);
    for (int i = 0; i < n; ++i) {
      auto* c = static_cast<Conn*>(events[i].data.ptr);
      if (c->closed) continue;
      if (events[i].events & EPOLLOUT) flush(*c);
      if (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) read_all(*c);
    }
  }

  void queue(Conn& c, std::string bytes) {
    c.out += bytes;
    flush(c);
  }

  void flush(Conn& c) {
    while (!c.out.empty()) {
      const auto n = ::send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EAGAIN || errno == EINTR) return;
        fail(c);
        return;
      }
      c.out.erase(0, static_cast<std::size_t>(n));
    }
  }

  void fail(Conn& c) {
    if (c.closed) return;
    c.closed = true;
    if (!c.ready) ++failed_;
    ++closed_;
    close(c.fd);
  }

  void read_all(Conn& c) {
    char buf[65536];
    for (;;) {
      const auto n = ::recv(c.fd, buf, sizeof buf, 0);
      if (n > 0) {
        c.in.append(buf, static_cast<std::size_t>(n));
        continue;
      }
      if (n < 0 && (errno == EAGAIN || errno == EINTR)) break;
      fail(c);
      return;
    }
    if (!c.upgraded) {
      const auto end = c.in.find("\r\n\r\n");
      if (end == std::string::npos) return;
      if (c.in.compare(0, 12, "HTTP/1.1 101") != 0) {
        std::fprintf(stderr, "upgrade refused: %s\n", c.in.substr(0, c.in.find('\r')).c_str());
        fail(c);
        return;
      }
      c.in.erase(0, end + 4);
      c.upgraded = true;
      on_open(c);
    }
    std::size_t pos = 0;
    while (c.in.size() - pos >= 2) {
      const auto* p = reinterpret_cast<const unsigned char*>(c.in.data() + pos);
      const int opcode = p[0] & 0x0f;
      std::uint64_t len = p[1] & 0x7f;
      std::size_t head = 2;
      if (len == 126) {
        if (c.in.size() - pos < 4) break;
        len = (static_cast<std::uint64_t>(p[2]) << 8) | p[3];
        head = 4;
      } else if (len == 127) {
        if (c.in.size() - pos < 10) break;
        len = 0;
        for (int i = 0; i < 8; ++i) len = (len << 8) | p[2 + i];
        head = 10;
      }
      if (c.in.size() - pos < head + len) break;
      const std::string_view payload(c.in.data() + pos + head, static_cast<std::size_t>(len));
      pos += head + static_cast<std::size_t>(len);
      if (opcode == 0x9) {
        queue(c, control_frame(0xA, payload));
      } else if (opcode == 0x8) {
        fail(c);
        return;
      } else if (opcode == 0x1 || opcode == 0x0) {
        on_message(c, payload);
        if (c.closed) return;
      }
    }
    c.in.erase(0, pos);
  }

  void on_open(Conn& c) {
    if (!o_.tc()) {
      mark_ready(c);
      return;
    }
    const auto& token = c.role == Role::publisher ? o_.pub_token : o_.token;
    queue(c, client_frame(R"({"id":1,"connect":{"token":")" + token + R"("}})"));
  }

  void mark_ready(Conn& c) {
    if (c.ready) return;
    c.ready = true;
    ++ready_;
  }

  void on_message(Conn& c, std::string_view payload) {
    // The Centrifugo JSON transport batches messages in one frame, one per line.
    std::size_t start = 0;
    while (start <= payload.size()) {
      auto nl = payload.find('\n', start);
      if (nl == std::string_view::npos) nl = payload.size();
      on_line(c, payload.substr(start, nl - start));
      start = nl + 1;
    }
  }

  void on_line(Conn& c, std::string_view line) {
    if (line.empty()) return;
    const auto now = now_us();
    if (o_.tc() && !c.ready) {
      if (line.find(R"("id":1,)") != std::string_view::npos) {
        if (line.find("\"error\"") != std::string_view::npos) {
          std::fprintf(stderr, "connect refused: %.*s\n", static_cast<int>(line.size()), line.data());
          fail(c);
          return;
        }
        if (c.role == Role::subscriber && !o_.channel.empty()) {
          queue(c, client_frame(R"({"id":2,"subscribe":{"channel":")" + o_.channel + R"("}})"));
        } else {
          c.next_id = 2;
          mark_ready(c);
        }
      } else if (line.find(R"("id":2,)") != std::string_view::npos) {
        if (line.find("\"error\"") != std::string_view::npos) {
          std::fprintf(stderr, "subscribe refused: %.*s\n", static_cast<int>(line.size()), line.data());
          fail(c);
          return;
        }
        c.next_id = 3;
        mark_ready(c);
      }
      return;
    }
    if (line == "{}") {  // the protocol's server ping
      queue(c, client_frame("{}"));
      return;
    }
    if (c.role == Role::echo) {
      if (measure_) {
        hist_.add(now - c.sent_at);
        ++delivered_;
        bytes_ += line.size();
      }
      send_echo(c);
      return;
    }
    if (c.role != Role::subscriber) return;  // the publisher's acks
    const auto t = line.find("t=");
    if (t == std::string_view::npos) return;
    const std::int64_t stamp = std::strtoll(line.data() + t + 2, nullptr, 10);
    if (measure_) {
      hist_.add(now - stamp);
      ++delivered_;
      bytes_ += line.size();
    }
  }

  void send_echo(Conn& c) {
    c.sent_at = now_us();
    if (o_.tc()) {
      // A command and its reply: the personal channel's stream position.
      queue(c, client_frame(R"({"id":)" + std::to_string(c.next_id++) + R"(,"history":{"channel":")" + o_.channel +
                            R"(","limit":0}})"));
    } else {
      queue(c, client_frame(R"({"id":1,"echo":"0123456789012345678901234567890123456789"})"));
    }
  }

  void publish() {
    const auto stamp = std::to_string(now_us());
    if (o_.tc()) {
      queue(*publisher_,
            client_frame(R"({"id":)" + std::to_string(publisher_->next_id++) + R"(,"publish":{"channel":")" +
                         o_.pub_channel + R"(","data":{"text":"@)" + o_.mention + " t=" + stamp + R"("}}})"));
    } else {
      // About the size of tradechat's mention push, so both move the same bytes.
      std::string text = "t=" + stamp + " ";
      text.resize(300, 'x');
      queue(*publisher_, client_frame(text));
    }
    if (measure_) ++published_;
  }

  Options o_;
  int epoll_;
  std::vector<std::unique_ptr<Conn>> conns_;
  Conn* publisher_ = nullptr;
  int ready_ = 0, failed_ = 0, closed_ = 0;
  bool measure_ = false;
  std::int64_t next_pub_ = 0;
  std::uint64_t delivered_ = 0, published_ = 0, bytes_ = 0;
  Histogram hist_;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 6) {
    std::fprintf(stderr, "usage: see the comment at the top of bench/realtime/realtime_bench.cpp\n");
    return 2;
  }
  Options o;
  o.mode = argv[1];
  o.proto = argv[2];
  o.port = std::atoi(argv[3]);
  o.server_pid = std::atoi(argv[4]);
  o.conns = std::atoi(argv[5]);
  int i = 6;
  if (o.mode == "fanout") {
    if (argc < 8) return 2;
    o.rate = std::atof(argv[6]);
    o.seconds = std::atof(argv[7]);
    i = 8;
  } else if (o.mode == "echo") {
    if (argc < 7) return 2;
    o.seconds = std::atof(argv[6]);
    i = 7;
  }
  for (; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    std::string v = argv[i + 1];
    if (k == "--token") o.token = v;
    if (k == "--channel") o.channel = v;
    if (k == "--pub-token") o.pub_token = v;
    if (k == "--pub-channel") o.pub_channel = v;
    if (k == "--mention") o.mention = v;
  }
  return Bench(o).run();
}
