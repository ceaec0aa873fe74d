#include "net/static_files.h"

#include "core/errors.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <ctime>
#include <fstream>
#include <sstream>

namespace tc::http {
namespace {

constexpr std::uint64_t kMaxStaticFile = 32ULL * 1024 * 1024;

std::string http_date(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

}  // namespace

StaticFiles::StaticFiles(std::filesystem::path root, BlockingPool& pool) : root_(std::move(root)), pool_(pool) {
  std::error_code ec;
  auto canon = std::filesystem::weakly_canonical(root_, ec);
  if (!ec) root_ = canon;
}

std::string_view StaticFiles::content_type(std::string_view ext) {
  static const std::pair<std::string_view, std::string_view> types[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".webmanifest", "application/manifest+json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".gif", "image/gif"},
      {".webp", "image/webp"},
      {".ico", "image/x-icon"},
      {".woff", "font/woff"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
      {".wasm", "application/wasm"},
  };
  for (const auto& [e, t] : types) {
    if (e == ext) return t;
  }
  return "application/octet-stream";
}

std::optional<std::filesystem::path> StaticFiles::safe_relative(std::string_view path) {
  std::filesystem::path rel;
  std::size_t i = 0;
  while (i <= path.size()) {
    auto next = path.find('/', i);
    if (next == std::string_view::npos) next = path.size();
    auto seg = path.substr(i, next - i);
    i = next + 1;
    if (seg.empty()) continue;
    // Dot segments, dotfiles, backslashes and NULs never name a served file.
    if (seg.front() == '.' || seg.find('\\') != std::string_view::npos || seg.find('\0') != std::string_view::npos ||
        seg.find(':') != std::string_view::npos) {
      return std::nullopt;
    }
    rel /= std::string(seg);
  }
  return rel;
}

StaticFiles::Loaded StaticFiles::load(const std::string& rel_text, bool spa_fallback,
                                      const std::string& if_none_match) const {
  Loaded out;
  std::filesystem::path file = rel_text.empty() ? root_ / "index.html" : root_ / rel_text;
  std::error_code ec;
  auto canon = std::filesystem::weakly_canonical(file, ec);
  auto root_text = root_.string() + "/";
  if (ec || !canon.string().starts_with(root_text)) {
    out.status = 404;
    return out;
  }
  struct stat st {};
  if (::stat(canon.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    if (!spa_fallback) {
      out.status = 404;
      return out;
    }
    canon = root_ / "index.html";
    if (::stat(canon.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
      out.status = 404;
      return out;
    }
  }
  if (static_cast<std::uint64_t>(st.st_size) > kMaxStaticFile) {
    out.status = 404;
    return out;
  }
  out.file = canon.string();
  out.etag = fmt::format(
      "\"{:x}-{:x}\"", static_cast<std::uint64_t>(st.st_size),
      static_cast<std::uint64_t>(st.st_mtim.tv_sec) * 1000000000ULL + static_cast<std::uint64_t>(st.st_mtim.tv_nsec));
  out.last_modified = http_date(st.st_mtim.tv_sec);
  if (!if_none_match.empty() && if_none_match == out.etag) {
    out.status = 304;
    return out;
  }
  std::ifstream in(canon, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  out.body = std::move(ss).str();
  return out;
}

boost::asio::awaitable<Response> StaticFiles::serve(Request req) const {
  auto rel = safe_relative(req.path);
  if (!rel) throw errors::bad_request("the path leaves the web root or names a hidden file");
  // Client-side routes (no file extension) fall back to the app shell.
  bool spa_fallback = !rel->has_extension();
  std::string if_none_match(req.header("If-None-Match").value_or(""));
  auto work = [this, rel_text = rel->string(), spa_fallback, if_none_match] {
    return load(rel_text, spa_fallback, if_none_match);
  };
  Loaded loaded = co_await pool_.run(std::move(work));
  if (loaded.status == 404) {
    throw errors::not_found(std::filesystem::exists(root_ / "index.html")
                                ? "no such file"
                                : "the web client is not built (run ./scripts/run, or set web.dir)");
  }
  Response res = Response::empty(loaded.status);
  std::string ext = std::filesystem::path(loaded.file).extension().string();
  if (loaded.status == 200) {
    res.body = std::move(loaded.body);
    res.set_header("Content-Type", std::string(content_type(ext)));
  }
  res.set_header("ETag", loaded.etag);
  res.set_header("Last-Modified", loaded.last_modified);
  // Vite puts content-hashed files under /assets/: they never change, cache for a year.
  bool hashed = req.path.starts_with("/assets/");
  res.set_header("Cache-Control", hashed ? "public, max-age=31536000, immutable" : "no-cache");
  if (ext == ".html") {
    res.set_header("Content-Security-Policy",
                   "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data: blob:; "
                   "style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'");
  }
  co_return res;
}

}  // namespace tc::http
