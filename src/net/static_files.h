// Serves the built web client: content types, ETag/Last-Modified revalidation,
// long-lived caching for hashed assets, index.html for client-side routes, and
// no way out of the root (.., encoded dots, absolute paths, symlinks, dotfiles).
#pragma once

#include "core/blocking_pool.h"
#include "net/http.h"

#include <boost/asio/awaitable.hpp>

#include <filesystem>

namespace tc::http {

class StaticFiles {
 public:
  StaticFiles(std::filesystem::path root, BlockingPool& pool);

  boost::asio::awaitable<Response> serve(Request req) const;
  const std::filesystem::path& root() const noexcept { return root_; }

  static std::string_view content_type(std::string_view extension);
  // The relative file path a request path names, or nullopt when it tries to leave the root.
  static std::optional<std::filesystem::path> safe_relative(std::string_view path);

 private:
  struct Loaded {
    int status = 200;
    std::string body;
    std::string etag;
    std::string last_modified;
    std::string file;
  };
  Loaded load(const std::string& rel, bool spa_fallback, const std::string& if_none_match) const;

  std::filesystem::path root_;
  BlockingPool& pool_;
};

}  // namespace tc::http
