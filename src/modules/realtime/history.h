// A channel's recent publications with strictly increasing offsets and an epoch,
// so a client that reconnects with (offset, epoch) gets exactly what it missed or
// learns that it cannot (the Centrifugo recovery model).
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

namespace tc::realtime {

struct StoredPublication {
  std::uint64_t offset = 0;
  std::string data;  // serialized JSON value
  std::string info;  // serialized ClientInfo JSON, or empty
  std::int64_t time_ms = 0;
};

class ChannelHistory {
 public:
  // `epoch` identifies this history's lifetime: a new epoch means earlier offsets
  // mean nothing (e.g. after the in-memory history was lost).
  ChannelHistory(std::string epoch, std::size_t capacity);

  // Assigns the next offset (1, 2, …) and keeps the last `capacity` publications.
  const StoredPublication& append(std::string data, std::string info, std::int64_t time_ms);

  struct Recovery {
    bool recovered = false;  // every publication after `since` is in `publications`
    std::vector<StoredPublication> publications;
  };
  // Publications after `since_offset` if `epoch` matches and none were evicted.
  Recovery since(std::uint64_t since_offset, const std::string& epoch, std::size_t max) const;
  // The newest (or oldest, reverse=false) `limit` publications after `since`, in offset order.
  std::vector<StoredPublication> range(std::optional<std::uint64_t> since, std::size_t limit, bool reverse) const;

  std::uint64_t top_offset() const noexcept { return top_; }
  const std::string& epoch() const noexcept { return epoch_; }

 private:
  std::string epoch_;
  std::size_t capacity_;
  std::uint64_t top_ = 0;
  std::deque<StoredPublication> items_;
};

}  // namespace tc::realtime
