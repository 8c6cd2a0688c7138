#include "mcsnoop/control/bridge_monitor.hpp"

#include <spdlog/spdlog.h>

#include "mcsnoop/net/ethernet.hpp"

namespace mcsnoop::control {

namespace {

constexpr uint64_t kMoveWindowMs = 1000;

std::string mac_text(const l2::MacKey& key) {
  return net::MacAddr::from_bytes(key.mac.data()).to_string() + " vlan " + std::to_string(key.vlan);
}

std::string suppressed_text(uint64_t n) {
  return n == 0 ? std::string() : " (" + std::to_string(n) + " more since the last such line)";
}

}  // namespace

bool LogLimiter::allow(uint64_t now_ms, uint64_t* suppressed) {
  if (now_ms < next_ms_) {
    ++suppressed_;
    return false;
  }
  *suppressed = suppressed_;
  suppressed_ = 0;
  next_ms_ = now_ms + interval_ms_;
  return true;
}

BridgeMonitor::BridgeMonitor(std::vector<std::string> port_names, uint32_t move_limit)
    : names_(std::move(port_names)),
      move_limit_(move_limit),
      refused_(names_.size()),
      refused_log_(names_.size()) {}

std::string BridgeMonitor::name(PortId p) const {
  return p < names_.size() ? names_[p] : "port" + std::to_string(p);
}

void BridgeMonitor::on_port_limit(const l2::MacKey& key, PortId port, uint32_t limit, uint64_t now_ms) {
  if (port >= refused_.size()) return;
  ++refused_[port];
  uint64_t suppressed = 0;
  if (refused_log_[port].allow(now_ms, &suppressed)) {
    spdlog::warn("port {}: MAC address limit ({}) reached, {} not learned; frames to it are flooded{}",
                 name(port), limit, mac_text(key), suppressed_text(suppressed));
  }
}

void BridgeMonitor::on_move(const l2::MacKey& key, PortId port, uint64_t now_ms) {
  const uint64_t w = key.word();
  MoveSlot& s = moves_[(w * 0x9e3779b97f4a7c15ULL) >> 54];  // top 10 bits: kMoveSlots
  static_assert(kMoveSlots == 1024);
  if (s.key != w || now_ms - s.window_ms >= kMoveWindowMs) {
    s = MoveSlot{w, now_ms, 0};
  }
  if (++s.moves != move_limit_ + 1) return;  // counted once per window, when first over
  ++counters_.mac_flaps;
  uint64_t suppressed = 0;
  if (flap_log_.allow(now_ms, &suppressed)) {
    spdlog::warn("MAC {} moved more than {} times in a second, last to port {}: a loop or a spoofed "
                 "address{}",
                 mac_text(key), move_limit_, name(port), suppressed_text(suppressed));
  }
}

PortMask BridgeMonitor::newly_shut(PortMask shut) {
  const PortMask fresh = shut & ~shut_;
  shut_ = shut;
  fresh.for_each([&](PortId p) {
    ++counters_.guard_shutdowns;
    spdlog::warn("port {}: BPDU received with bpdu: guard; the port stops forwarding until "
                 "`mcsnoopctl port enable {}`",
                 name(p), name(p));
  });
  return fresh;
}

}  // namespace mcsnoop::control
