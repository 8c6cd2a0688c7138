#include "mcsnoop/control/state_log.hpp"

#include <set>

namespace mcsnoop::control {

namespace {
const char* family_name(net::Family f) { return f == net::Family::V4 ? "ipv4" : "ipv6"; }
}  // namespace

void StateLog::emit(std::string line, uint64_t now_ms) {
  if (now_ms - window_start_ >= window_ms_) {
    window_start_ = now_ms;
    in_window_ = 0;
  }
  if (in_window_ >= burst_) {
    ++suppressed_;
    ++suppressed_total_;
    return;
  }
  ++in_window_;
  lines_.push_back(std::move(line));
}

void StateLog::routers(const std::vector<snoop::RouterView>& now_routers, const Names& name, uint64_t now_ms) {
  std::map<RouterKey, bool> current;
  for (const snoop::RouterView& r : now_routers) current[{r.vlan, r.family, r.port}] = r.is_static;
  if (routers_seen_) {
    for (const auto& [key, is_static] : current) {
      if (routers_.contains(key)) continue;
      const auto& [vlan, fam, port] = key;
      emit("vlan " + std::to_string(vlan) + " " + family_name(fam) + ": router port " + name(port) +
               (is_static ? " (static)" : " learned"),
           now_ms);
    }
    for (const auto& [key, is_static] : routers_) {
      if (current.contains(key)) continue;
      const auto& [vlan, fam, port] = key;
      emit("vlan " + std::to_string(vlan) + " " + family_name(fam) + ": router port " + name(port) +
               " aged out",
           now_ms);
    }
  }
  routers_seen_ = true;
  routers_ = std::move(current);
}

void StateLog::queriers(const std::vector<snoop::QuerierDetail>& now_queriers, const Names& name, uint64_t now_ms) {
  for (const snoop::QuerierDetail& d : now_queriers) {
    const snoop::QuerierView& q = d.view;
    const std::string where = "vlan " + std::to_string(q.vlan) + " " + family_name(q.family) + ": ";
    auto [it, fresh] = queriers_.try_emplace({q.vlan, q.family});
    QuerierSeen& seen = it->second;
    if (!fresh && seen.addr == q.querier && seen.self == q.self) continue;
    if (!fresh || q.querier) {
      if (!q.querier) {
        emit(where + "querier " + (seen.addr ? seen.addr->to_string() : std::string("-")) +
                 " lost: no querier in the VLAN",
             now_ms);
      } else if (q.self) {
        emit(where + "we are the querier (" + q.querier->to_string() + ")", now_ms);
      } else {
        emit(where + "querier " + q.querier->to_string() + " elected" +
                 (d.port ? " on port " + name(*d.port) : std::string()),
             now_ms);
      }
    }
    seen.addr = q.querier;
    seen.self = q.self;
  }
}

void StateLog::policer(PortId port, uint64_t dropped, uint32_t rate_pps, const Names& name, uint64_t now_ms) {
  if (port >= kMaxPorts) return;
  PolicerSeen& s = policer_[port];
  if (!s.known) {
    s = PolicerSeen{dropped, dropped, now_ms, true, false};
    return;
  }
  if (dropped > s.dropped) {
    if (!s.dropping) {
      s.dropping = true;
      s.at_start = s.dropped;
      emit("port " + name(port) + ": punt policer started dropping control packets (igmp_rate_limit " +
               std::to_string(rate_pps) + "/s)",
           now_ms);
    }
    s.dropped = dropped;
    s.last_move_ms = now_ms;
  } else if (s.dropping && now_ms - s.last_move_ms >= policer_quiet_ms_) {
    s.dropping = false;
    emit("port " + name(port) + ": punt policer stopped dropping (" + std::to_string(s.dropped - s.at_start) +
             " control packets dropped)",
         now_ms);
  }
}

void StateLog::link(PortId port, bool up, uint32_t speed_mbps, const Names& name, uint64_t now_ms) {
  emit("port " + name(port) + ": link " + (up ? "up (" + std::to_string(speed_mbps) + " Mbps)" : std::string("down")),
       now_ms);
}

std::vector<std::string> StateLog::take(uint64_t now_ms) {
  if (suppressed_ != 0 && now_ms - window_start_ >= window_ms_) {
    lines_.push_back(std::to_string(suppressed_) + " state-change log line(s) suppressed (rate limit)");
    suppressed_ = 0;
    window_start_ = now_ms;
    in_window_ = 0;
  }
  std::vector<std::string> out;
  out.swap(lines_);
  return out;
}

}  // namespace mcsnoop::control
