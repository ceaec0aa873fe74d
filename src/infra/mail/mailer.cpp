#include "infra/mail/mailer.h"

#include "core/errors.h"
#include "core/ids.h"
#include "core/log.h"

#include <curl/curl.h>
#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <memory>

namespace tc::infra::mail {
namespace {

bool has_line_break(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

bool plausible_address(std::string_view a) {
  auto at = a.find('@');
  return a.size() <= 254 && at != std::string_view::npos && at > 0 && at + 1 < a.size() && !has_line_break(a) &&
         a.find_first_of(" <>,;\"") == std::string_view::npos;
}

// RFC 2047 encoded-word for non-ASCII subjects.
std::string encode_subject(std::string_view s) {
  bool ascii = std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  if (ascii) return std::string(s);
  static constexpr char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string b64;
  std::size_t i = 0;
  for (; i + 2 < s.size(); i += 3) {
    unsigned n = (static_cast<unsigned char>(s[i]) << 16) | (static_cast<unsigned char>(s[i + 1]) << 8) |
                 static_cast<unsigned char>(s[i + 2]);
    b64 += {tbl[(n >> 18) & 63], tbl[(n >> 12) & 63], tbl[(n >> 6) & 63], tbl[n & 63]};
  }
  if (i + 1 == s.size()) {
    unsigned n = static_cast<unsigned char>(s[i]) << 16;
    b64 += {tbl[(n >> 18) & 63], tbl[(n >> 12) & 63], '=', '='};
  } else if (i + 2 == s.size()) {
    unsigned n = (static_cast<unsigned char>(s[i]) << 16) | (static_cast<unsigned char>(s[i + 1]) << 8);
    b64 += {tbl[(n >> 18) & 63], tbl[(n >> 12) & 63], tbl[(n >> 6) & 63], '='};
  }
  return "=?UTF-8?B?" + b64 + "?=";
}

std::string rfc5322_date() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  return buf;
}

struct Upload {
  std::string data;
  std::size_t offset = 0;
};

std::size_t read_upload(char* buffer, std::size_t size, std::size_t nitems, void* userdata) {
  auto* up = static_cast<Upload*>(userdata);
  std::size_t n = std::min(size * nitems, up->data.size() - up->offset);
  std::copy_n(up->data.data() + up->offset, n, buffer);
  up->offset += n;
  return n;
}

}  // namespace

void add_config_keys(ConfigSchema& schema) {
  using K = ConfigKind;
  schema.add({.key = "mail.smtp_url",
              .kind = K::url,
              .default_value = "",
              .help = "SMTP server, smtp://host:25 or smtps://host:465; empty = no email is sent",
              .secret = false,
              .allowed = {"smtp", "smtps"}});
  schema.add({.key = "mail.from",
              .kind = K::string,
              .default_value = "tradechat <noreply@localhost>",
              .help = "sender of outgoing email"});
  schema.add({.key = "mail.username", .kind = K::string, .default_value = "", .help = "SMTP user name"});
  schema.add({.key = "mail.password", .kind = K::string, .default_value = "", .help = "SMTP password", .secret = true});
  schema.add({.key = "mail.timeout",
              .kind = K::duration,
              .default_value = "10s",
              .help = "time allowed to deliver one message to the SMTP server",
              .min = 100,
              .max = 300'000});
}

SmtpSettings settings_from(const Config& c) {
  return {c.str("mail.smtp_url"), c.str("mail.from"), c.str("mail.username"), c.str("mail.password"),
          c.duration("mail.timeout")};
}

Mailer::Mailer(SmtpSettings settings, BlockingPool& pool, metrics::Registry& metrics)
    : settings_(std::move(settings)),
      pool_(pool),
      sent_(metrics.counter("tradechat_mail_sent_total", "Email messages accepted by the SMTP server")),
      failed_(metrics.counter("tradechat_mail_failed_total", "Email messages the SMTP server did not accept")) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
}

std::string Mailer::render(const Email& email, const std::string& from, const std::string& message_id,
                           const std::string& date) {
  std::string body;
  // Normalise line ends to CRLF and dot-stuffing is done by libcurl.
  for (std::size_t i = 0; i < email.text.size(); ++i) {
    char c = email.text[i];
    if (c == '\r') continue;
    if (c == '\n')
      body += "\r\n";
    else
      body.push_back(c);
  }
  return fmt::format(
      "From: {}\r\nTo: <{}>\r\nSubject: {}\r\nDate: {}\r\nMessage-ID: <{}>\r\nMIME-Version: 1.0\r\n"
      "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{}\r\n",
      from, email.to, encode_subject(email.subject), date, message_id, body);
}

void Mailer::send_blocking(const Email& email) {
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
  if (!curl) throw errors::unavailable("mail: cannot initialise libcurl");
  auto from_addr = settings_.from;
  if (auto lt = from_addr.find('<'); lt != std::string::npos) {
    from_addr = from_addr.substr(lt + 1, from_addr.find('>', lt) - lt - 1);
  }
  std::string host = "localhost";
  if (auto at = from_addr.find('@'); at != std::string::npos) host = from_addr.substr(at + 1);
  Upload up{render(email, settings_.from, ids::random_hex(12) + "@" + host, rfc5322_date())};
  curl_slist* rcpt = curl_slist_append(nullptr, ("<" + email.to + ">").c_str());
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> rcpt_guard(rcpt, &curl_slist_free_all);
  CURL* h = curl.get();
  curl_easy_setopt(h, CURLOPT_URL, settings_.url.c_str());
  curl_easy_setopt(h, CURLOPT_MAIL_FROM, ("<" + from_addr + ">").c_str());
  curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
  curl_easy_setopt(h, CURLOPT_READFUNCTION, &read_upload);
  curl_easy_setopt(h, CURLOPT_READDATA, &up);
  curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(settings_.timeout.count()));
  curl_easy_setopt(h, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_TRY));
  if (!settings_.username.empty()) {
    curl_easy_setopt(h, CURLOPT_USERNAME, settings_.username.c_str());
    curl_easy_setopt(h, CURLOPT_PASSWORD, settings_.password.c_str());
  }
  CURLcode rc = curl_easy_perform(h);
  if (rc != CURLE_OK) {
    failed_.inc();
    // The recipient stays out of the log: it is personal data.
    log::warn("mail not delivered", {{"error", curl_easy_strerror(rc)}});
    throw errors::unavailable(std::string("mail: the SMTP server did not accept the message: ") +
                              curl_easy_strerror(rc));
  }
  sent_.inc();
}

boost::asio::awaitable<void> Mailer::send(Email email) {
  if (!enabled()) throw errors::unavailable("mail: no SMTP server is configured (mail.smtp_url)");
  if (!plausible_address(email.to)) throw errors::validation("mail: the recipient address is not valid");
  if (has_line_break(email.subject) || email.subject.size() > 200) {
    throw errors::validation("mail: the subject must be one line of at most 200 bytes");
  }
  auto work = [this, email = std::move(email)] { send_blocking(email); };
  co_await pool_.run(std::move(work));
}

}  // namespace tc::infra::mail
