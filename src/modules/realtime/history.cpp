#include "modules/realtime/history.h"

#include <algorithm>

namespace tc::realtime {

ChannelHistory::ChannelHistory(std::string epoch, std::size_t capacity)
    : epoch_(std::move(epoch)), capacity_(std::max<std::size_t>(capacity, 1)) {}

const StoredPublication& ChannelHistory::append(std::string data, std::string info, std::int64_t time_ms) {
  items_.push_back({++top_, std::move(data), std::move(info), time_ms});
  while (items_.size() > capacity_) items_.pop_front();
  return items_.back();
}

ChannelHistory::Recovery ChannelHistory::since(std::uint64_t since_offset, const std::string& epoch,
                                               std::size_t max) const {
  Recovery r;
  if (epoch != epoch_ || since_offset > top_) return r;
  const std::uint64_t oldest = items_.empty() ? top_ + 1 : items_.front().offset;
  if (since_offset + 1 < oldest) return r;  // some were evicted
  if (top_ - since_offset > max) return r;  // too many to replay
  for (const auto& p : items_) {
    if (p.offset > since_offset) r.publications.push_back(p);
  }
  r.recovered = true;
  return r;
}

std::vector<StoredPublication> ChannelHistory::range(std::optional<std::uint64_t> since, std::size_t limit,
                                                     bool reverse) const {
  std::vector<StoredPublication> out;
  if (reverse) {
    for (auto it = items_.rbegin(); it != items_.rend() && out.size() < limit; ++it) {
      if (since && it->offset >= *since) continue;
      out.push_back(*it);
    }
    return out;
  }
  for (const auto& p : items_) {
    if (out.size() >= limit) break;
    if (since && p.offset <= *since) continue;
    out.push_back(p);
  }
  return out;
}

}  // namespace tc::realtime
