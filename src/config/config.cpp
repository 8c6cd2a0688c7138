// Helpers of the configuration data model (config.hpp).
#include "mcsnoop/config/config.hpp"

#include <algorithm>
#include <stdexcept>

#include "text.hpp"

namespace mcsnoop::config {

std::string_view to_string(VlanMode v) {
  switch (v) {
    case VlanMode::Access: return "access";
    case VlanMode::Trunk: return "trunk";
  }
  return "?";
}

std::string_view to_string(RouterMode v) {
  switch (v) {
    case RouterMode::Auto: return "auto";
    case RouterMode::Always: return "always";
    case RouterMode::Never: return "never";
  }
  return "?";
}

std::string_view to_string(UnregisteredPolicy v) {
  switch (v) {
    case UnregisteredPolicy::Flood: return "flood";
    case UnregisteredPolicy::RouterPorts: return "router-ports";
    case UnregisteredPolicy::Drop: return "drop";
  }
  return "?";
}

std::string_view to_string(LogLevel v) {
  switch (v) {
    case LogLevel::Trace: return "trace";
    case LogLevel::Debug: return "debug";
    case LogLevel::Info: return "info";
    case LogLevel::Warn: return "warn";
    case LogLevel::Error: return "error";
  }
  return "?";
}

std::string_view to_string(BpduMode v) {
  switch (v) {
    case BpduMode::Flood: return "flood";
    case BpduMode::Drop: return "drop";
    case BpduMode::Guard: return "guard";
  }
  return "?";
}

std::vector<VlanId> Port::vlans() const {
  if (vlan_mode == VlanMode::Access) return {vlan};
  std::vector<VlanId> out = allowed_vlans;
  if (native_vlan && !std::binary_search(out.begin(), out.end(), *native_vlan)) {
    out.insert(std::lower_bound(out.begin(), out.end(), *native_vlan), *native_vlan);
  }
  return out;
}

bool Port::carries(VlanId vid) const {
  if (vlan_mode == VlanMode::Access) return vid == vlan;
  return (native_vlan && *native_vlan == vid) ||
         std::binary_search(allowed_vlans.begin(), allowed_vlans.end(), vid);
}

SnoopingSettings SnoopingOverrides::apply_to(const SnoopingSettings& defaults) const {
  SnoopingSettings s = defaults;
  if (robustness) s.robustness = *robustness;
  if (query_interval) s.query_interval = *query_interval;
  if (query_response_interval) s.query_response_interval = *query_response_interval;
  if (last_member_query_interval) s.last_member_query_interval = *last_member_query_interval;
  if (last_member_query_count) s.last_member_query_count = *last_member_query_count;
  if (unregistered) s.unregistered = *unregistered;
  if (mld) s.mld = *mld;
  if (max_groups) s.max_groups = *max_groups;
  if (mrd_solicit) s.mrd_solicit = *mrd_solicit;
  return s;
}

std::optional<PortId> Config::find_port(std::string_view name) const {
  for (size_t i = 0; i < ports.size(); ++i) {
    if (ports[i].name == name) return static_cast<PortId>(i);
  }
  return std::nullopt;
}

PortId Config::port_index(std::string_view name) const {
  if (auto p = find_port(name)) return *p;
  throw std::out_of_range(detail::cat("no port named '", name, "'"));
}

const Vlan* Config::find_vlan(VlanId id) const {
  for (const Vlan& v : vlans) {
    if (v.id == id) return &v;
  }
  return nullptr;
}

std::vector<VlanId> Config::port_vlans(PortId p) const { return ports.at(p).vlans(); }

}  // namespace mcsnoop::config
