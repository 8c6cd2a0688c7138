#include "mcsnoop/control/limit_log.hpp"

namespace mcsnoop::control {

bool LimitLog::due(Tracked& t, uint64_t value, uint64_t now_ms, uint64_t& refused_since) {
  if (value <= t.logged) return false;
  if (t.ever && now_ms - t.last_ms < interval_ms_) return false;
  refused_since = value - t.logged;
  t.logged = value;
  t.last_ms = now_ms;
  t.ever = true;
  return true;
}

std::vector<std::string> LimitLog::check(const snoop::Engine& engine, unsigned ports,
                                         const std::function<std::string(PortId)>& port_name, uint64_t now_ms) {
  std::vector<std::string> lines;
  const snoop::Counters& c = engine.counters();
  const snoop::TableUsage table = engine.table_usage();
  uint64_t n = 0;
  if (due(table_groups_, c.refused_table_full, now_ms, n)) {
    lines.push_back("group table full (snooping.max_groups): " + std::to_string(n) +
                    " new groups refused; " + std::to_string(table.groups) + " learned groups held");
  }
  if (due(vlan_groups_, c.refused_vlan_limit, now_ms, n)) {
    lines.push_back("VLAN group limit reached (vlans[].max_groups): " + std::to_string(n) + " new groups refused");
  }
  if (due(table_sources_, c.refused_table_sources, now_ms, n)) {
    lines.push_back("source table full (snooping.max_sources): " + std::to_string(n) + " sources refused; " +
                    std::to_string(table.sources) + " source states held");
  }
  for (PortId p = 0; p < ports && p < kMaxPorts; ++p) {
    const snoop::PortUsage u = engine.port_usage(p);
    if (due(port_groups_[p], u.refused_groups, now_ms, n)) {
      lines.push_back("port " + port_name(p) + ": " + std::to_string(n) +
                      " joins refused at a group limit (max_groups " + std::to_string(u.max_groups) + ", " +
                      std::to_string(u.groups) + " groups held)");
    }
    if (due(port_sources_[p], u.refused_sources, now_ms, n)) {
      lines.push_back("port " + port_name(p) + ": " + std::to_string(n) +
                      " sources refused at a source limit (max_sources_per_group " +
                      std::to_string(u.max_sources_per_group) + ", max_sources " + std::to_string(u.max_sources) +
                      ", " + std::to_string(u.sources) + " source states held)");
    }
  }
  return lines;
}

}  // namespace mcsnoop::control
