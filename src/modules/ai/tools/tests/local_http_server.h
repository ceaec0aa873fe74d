// A real HTTP/1.1 server on 127.0.0.1 for the fetcher and search tests: one thread,
// one connection at a time, canned raw responses per request target. It records
// every target it was asked for, so a test can assert what was never requested.
#pragma once

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

#include <gtest/gtest.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <atomic>
#include <cstdio>
#include <exception>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace tc::ai::tools::testing {

class LocalHttpServer {
 public:
  // With `tls`, the server speaks https with a fresh self-signed certificate for
  // 127.0.0.1, written to ca_file() for the client to trust.
  explicit LocalHttpServer(bool tls = false)
      : acceptor_(io_, boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0)),
        tls_(boost::asio::ssl::context::tls_server) {
    port_ = acceptor_.local_endpoint().port();
    if (tls) make_certificate();
    thread_ = std::thread([this] { serve(); });
  }
  ~LocalHttpServer() {
    stop_ = true;
    boost::system::error_code ec;
    boost::asio::ip::tcp::socket wake(io_);
    wake.connect(acceptor_.local_endpoint(), ec);  // unblocks accept()
    thread_.join();
  }
  LocalHttpServer(const LocalHttpServer&) = delete;
  LocalHttpServer& operator=(const LocalHttpServer&) = delete;

  static std::string response(int status, const std::string& content_type, const std::string& body,
                              const std::string& extra_headers = {}) {
    std::string r = "HTTP/1.1 " + std::to_string(status) + " X\r\n";
    if (!content_type.empty()) r += "Content-Type: " + content_type + "\r\n";
    r += "Content-Length: " + std::to_string(body.size()) + "\r\n" + extra_headers + "Connection: close\r\n\r\n";
    return r + body;
  }
  static std::string redirect(const std::string& location, int status = 302) {
    return response(status, "text/plain", "moved", "Location: " + location + "\r\n");
  }

  // `target` is matched exactly first, then without its query string.
  void route(const std::string& target, std::string raw_response) {
    std::lock_guard lock(mutex_);
    routes_[target] = std::move(raw_response);
  }
  std::vector<std::string> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  std::size_t count(const std::string& target) const {
    std::size_t n = 0;
    for (const auto& r : requests()) n += r == target ? 1 : 0;
    return n;
  }
  std::string last_request_head() const {
    std::lock_guard lock(mutex_);
    return last_head_;
  }
  unsigned short port() const { return port_; }
  std::string base() const {
    return std::string(use_tls_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_);
  }
  const std::string& ca_file() const { return ca_file_; }

 private:
  void make_certificate() {
    EVP_PKEY* key = EVP_EC_gen("P-256");
    X509* cert = X509_new();
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert), 86400);
    X509_set_pubkey(cert, key);
    X509_NAME* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("127.0.0.1"), -1, -1,
                               0);
    X509_set_issuer_name(cert, name);
    X509V3_CTX v3;
    X509V3_set_ctx_nodb(&v3);
    X509V3_set_ctx(&v3, cert, cert, nullptr, nullptr, 0);
    X509_EXTENSION* san = X509V3_EXT_conf_nid(nullptr, &v3, NID_subject_alt_name, "IP:127.0.0.1");
    X509_add_ext(cert, san, -1);
    X509_EXTENSION_free(san);
    X509_sign(cert, key, EVP_sha256());
    auto pem = [](auto write) {
      BIO* bio = BIO_new(BIO_s_mem());
      write(bio);
      char* data = nullptr;
      long n = BIO_get_mem_data(bio, &data);
      std::string out(data, static_cast<std::size_t>(n));
      BIO_free(bio);
      return out;
    };
    std::string cert_pem = pem([&](BIO* b) { PEM_write_bio_X509(b, cert); });
    std::string key_pem = pem([&](BIO* b) { PEM_write_bio_PrivateKey(b, key, nullptr, nullptr, 0, nullptr, nullptr); });
    X509_free(cert);
    EVP_PKEY_free(key);
    tls_.use_certificate(boost::asio::buffer(cert_pem), boost::asio::ssl::context::pem);
    tls_.use_private_key(boost::asio::buffer(key_pem), boost::asio::ssl::context::pem);
    ca_file_ = ::testing::TempDir() + "tc_ai_tools_ca_" + std::to_string(port_) + ".pem";
    std::ofstream(ca_file_) << cert_pem;
    use_tls_ = true;
  }

  void serve() {
    while (!stop_) {
      boost::asio::ip::tcp::socket socket(io_);
      boost::system::error_code ec;
      acceptor_.accept(socket, ec);
      if (stop_) break;
      if (ec) continue;
      if (use_tls_) {
        boost::asio::ssl::stream<boost::asio::ip::tcp::socket&> stream(socket, tls_);
        stream.handshake(boost::asio::ssl::stream_base::server, ec);
        if (!ec) answer(stream);
        stream.shutdown(ec);
      } else {
        answer(socket);
      }
      socket.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
    }
  }

  template <class Stream>
  void answer(Stream& socket) {
    boost::system::error_code ec;
    {
      boost::asio::streambuf buf(std::size_t{64} * 1024);
      boost::asio::read_until(socket, buf, "\r\n\r\n", ec);
      if (ec) return;
      std::string head(boost::asio::buffers_begin(buf.data()), boost::asio::buffers_end(buf.data()));
      auto sp1 = head.find(' ');
      auto sp2 = head.find(' ', sp1 + 1);
      std::string target = sp1 == std::string::npos ? "" : head.substr(sp1 + 1, sp2 - sp1 - 1);
      std::string reply;
      {
        std::lock_guard lock(mutex_);
        requests_.push_back(target);
        last_head_ = head;
        auto it = routes_.find(target);
        if (it == routes_.end()) it = routes_.find(target.substr(0, target.find('?')));
        reply = it != routes_.end() ? it->second : response(404, "text/plain", "not found");
      }
      boost::asio::write(socket, boost::asio::buffer(reply), ec);
    }
  }

  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::ssl::context tls_;
  bool use_tls_ = false;
  std::string ca_file_;
  unsigned short port_ = 0;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  std::map<std::string, std::string> routes_;
  std::vector<std::string> requests_;
  std::string last_head_;
};

// Runs one coroutine to completion on a fresh io_context and returns its value
// (or rethrows what it threw).
template <class T>
T run_coroutine(boost::asio::awaitable<T> work) {
  boost::asio::io_context io;
  std::optional<T> out;
  std::exception_ptr error;
  boost::asio::co_spawn(io, std::move(work), [&](const std::exception_ptr& e, T value) {
    if (e)
      error = e;
    else
      out = std::move(value);
  });
  io.run();
  if (error) std::rethrow_exception(error);
  return std::move(*out);
}

}  // namespace tc::ai::tools::testing
