// The `ports` section: names, devices, VLAN membership and per-port snooping options.
#include <algorithm>
#include <charconv>
#include <string>

#include <unistd.h>

#include "mcsnoop/config/device_spec.hpp"
#include "sections.hpp"
#include "text.hpp"

namespace mcsnoop::config::detail {
namespace {

constexpr int64_t kMinVlan = 1;
constexpr int64_t kMaxVlan = 4094;  // 0 means "no VLAN" in a tag and 4095 is reserved
constexpr size_t kMaxPortName = 32;

constexpr std::pair<std::string_view, VlanMode> kVlanModes[] = {{"access", VlanMode::Access},
                                                                {"trunk", VlanMode::Trunk}};
constexpr std::pair<std::string_view, RouterMode> kRouterModes[] = {
    {"auto", RouterMode::Auto}, {"always", RouterMode::Always}, {"never", RouterMode::Never}};

// A host resource (device, interface, file) and the port that holds it.
struct Claim {
  std::string what;
  size_t port;
};

bool valid_port_name(std::string_view name) {
  return !name.empty() && name.size() <= kMaxPortName && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-' || c == ':' || c == '/';
  });
}

std::optional<VlanId> parse_vid(std::string_view s) {
  unsigned v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size() || v < kMinVlan || v > kMaxVlan) {
    return std::nullopt;
  }
  return static_cast<VlanId>(v);
}

// One allowed_vlans item: an id, or a "first-last" range (either order of quoting).
bool read_vlan_item(const Field& item, Diagnostics& diag, std::vector<VlanId>& out) {
  if (item.node.IsScalar()) {
    const std::string& s = item.node.Scalar();
    const size_t dash = s.find('-');
    if (dash == std::string::npos) {
      if (auto v = parse_vid(s)) {
        out.push_back(*v);
        return true;
      }
    } else {
      auto lo = parse_vid(std::string_view(s).substr(0, dash));
      auto hi = parse_vid(std::string_view(s).substr(dash + 1));
      if (lo && hi && *lo <= *hi) {
        for (unsigned v = *lo; v <= *hi; ++v) out.push_back(static_cast<VlanId>(v));
        return true;
      }
      if (lo && hi) {
        diag.error(item.line, item.path, "range '" + s + "' is empty (write the lower VLAN id first)");
        return false;
      }
    }
  }
  diag.error(item.line, item.path,
             "expected a VLAN id (1-4094) or a range such as \"20-30\", got " + describe(item.node));
  return false;
}

std::optional<std::vector<VlanId>> read_vlan_set(const Field& f, Diagnostics& diag) {
  auto items = read_list(f, diag);
  if (!items) return std::nullopt;
  if (items->empty()) {
    diag.error(f.line, f.path, "needs at least one VLAN");
    return std::nullopt;
  }
  std::vector<VlanId> out;
  bool ok = true;
  for (const Field& item : *items) ok = read_vlan_item(item, diag, out) && ok;
  if (!ok) return std::nullopt;
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// Reads the VLAN keys of one port; true if its membership is fully known.
bool read_port_vlans(MapReader& map, std::optional<VlanMode> mode, Port& port, Diagnostics& diag) {
  auto vlan_f = map.take("vlan");
  auto allowed_f = map.take("allowed_vlans");
  auto native_f = map.take("native_vlan");
  bool ok = mode.has_value();

  std::optional<VlanId> vlan;
  if (vlan_f) ok = (vlan = read_number<VlanId>(*vlan_f, diag, kMinVlan, kMaxVlan)).has_value() && ok;
  std::optional<std::vector<VlanId>> allowed;
  if (allowed_f) ok = (allowed = read_vlan_set(*allowed_f, diag)).has_value() && ok;
  std::optional<VlanId> native;
  if (native_f) ok = (native = read_number<VlanId>(*native_f, diag, kMinVlan, kMaxVlan)).has_value() && ok;
  if (!mode) return false;

  if (*mode == VlanMode::Access) {
    if (allowed_f) {
      diag.error(allowed_f->line, allowed_f->path, "allowed_vlans applies to trunk ports (vlan_mode: trunk)");
      ok = false;
    }
    if (native_f) {
      diag.error(native_f->line, native_f->path, "native_vlan applies to trunk ports (vlan_mode: trunk)");
      ok = false;
    }
    if (vlan) port.vlan = *vlan;
    return ok;
  }

  if (vlan_f) {
    diag.error(vlan_f->line, vlan_f->path,
               "vlan applies to access ports; a trunk carries allowed_vlans tagged and native_vlan untagged");
    ok = false;
  }
  if (!allowed_f) {
    diag.error(map.line(), child_path(map.path(), "allowed_vlans"), "a trunk port needs allowed_vlans");
    ok = false;
  }
  if (allowed) port.allowed_vlans = std::move(*allowed);
  port.native_vlan = native;
  return ok;
}

// router_guard: a guarded port is never a router port, so `multicast_router: always` on the
// same port is a contradiction the operator must resolve (read after multicast_router).
void read_router_guard(MapReader& map, Port& port, Diagnostics& diag) {
  auto f = map.take("router_guard");
  if (!f) return;
  auto v = read_bool(*f, diag);
  if (!v) return;
  if (*v && port.multicast_router == RouterMode::Always) {
    diag.error(f->line, f->path,
               "cannot be combined with multicast_router: always (a guarded port is never a router "
               "port); remove one of them");
    return;
  }
  port.router_guard = *v;
}

// What the EAL will make of the device: a PCI port needs the PCI bus (no --no-pci); a bare
// name such as eth1 is almost certainly a kernel interface, which DPDK cannot open by name.
void check_device_kind(const DeviceSpec& spec, const Field& f, ParseState& st) {
  if (spec.kind == DeviceSpec::Kind::Pci && st.eal_no_pci) {
    st.diag.error(f.line, f.path,
                  "PCI device " + spec.name +
                      " cannot be opened: dpdk.eal_args has --no-pci (remove it to use PCI ports)");
  }
  if (looks_like_kernel_interface(spec)) {
    st.diag.warning(f.line, f.path,
                    quoted(spec.name) + " looks like a Linux interface name, not a DPDK device: use its PCI " +
                        "address after binding it to vfio-pci (ethtool -i " + spec.name +
                        " shows it), or net_af_packetN,iface=" + spec.name + " to use it through the kernel");
  }
}

// mtu: within the range, and one the device's receive path can hold (an af_packet device string
// that sizes its ring itself must size it for the MTU; read after `device`).
void read_mtu(MapReader& map, Port& port, Diagnostics& diag) {
  auto f = map.take("mtu");
  if (!f) return;
  auto v = read_number<uint16_t>(*f, diag, kMinMtu, kMaxMtu);
  if (!v) return;
  if (!port.device.empty()) {
    std::string why;
    constexpr uint32_t kAnyPageSize = 4096;  // only the verdict matters here, not the string
    if (!device_for_mtu(port.device, *v, kAnyPageSize, &why)) {
      diag.error(f->line, f->path, why);
      return;
    }
  }
  port.mtu = *v;
}

void parse_port(const Field& item, size_t index, ParseState& st, std::vector<Claim>& claims) {
  Diagnostics& diag = st.diag;
  Port& port = st.cfg.ports.emplace_back();
  ParseState::PortState& state = st.ports.emplace_back();
  MapReader map(item, diag);
  if (!map.is_map()) return;

  if (auto name_f = map.require("name")) {
    if (auto name = read_string(*name_f, diag)) {
      if (!valid_port_name(*name)) {
        diag.error(name_f->line, name_f->path,
                   quoted(*name) + " is not a valid port name (1-32 letters, digits or . _ - : /)");
      } else if (auto other = st.cfg.find_port(*name); other && *other < index) {
        diag.error(name_f->line, name_f->path, "port name '" + *name + "' is already used by ports[" +
                                                   std::to_string(*other) + "]");
      } else {
        port.name = std::move(*name);
        state.name_ok = true;
      }
    }
  }

  if (auto device_f = map.require("device")) {
    if (auto device = read_string(*device_f, diag)) {
      auto spec = parse_device(*device);
      if (auto* why = std::get_if<std::string>(&spec)) {
        diag.error(device_f->line, device_f->path, *why);
      } else {
        check_device_kind(std::get<DeviceSpec>(spec), *device_f, st);
        if (auto why = af_packet_ring_problem(std::get<DeviceSpec>(spec), static_cast<uint32_t>(sysconf(_SC_PAGESIZE)))) {
          diag.error(device_f->line, device_f->path, *why);
        }
        for (const std::string& what : std::get<DeviceSpec>(spec).claims) {
          auto holder = std::find_if(claims.begin(), claims.end(), [&](const Claim& c) { return c.what == what; });
          if (holder != claims.end()) {
            const Port& other = st.cfg.ports[holder->port];
            diag.error(device_f->line, device_f->path,
                       what + " is already used by ports[" + std::to_string(holder->port) + "]" +
                           (other.name.empty() ? "" : " (" + other.name + ")"));
          } else {
            claims.push_back(Claim{what, index});
          }
        }
        port.device = std::move(*device);
      }
    }
  }

  std::optional<VlanMode> mode = VlanMode::Access;
  if (auto mode_f = map.take("vlan_mode")) mode = read_enum(*mode_f, diag, kVlanModes);
  if (mode) port.vlan_mode = *mode;
  state.vlans_ok = read_port_vlans(map, mode, port, diag);

  if (auto f = map.take("multicast_router")) {
    if (auto v = read_enum(*f, diag, kRouterModes)) port.multicast_router = *v;
  }
  if (auto f = map.take("fast_leave")) {
    if (auto v = read_bool(*f, diag)) port.fast_leave = *v;
  }
  if (auto f = map.take("max_groups")) {
    state.max_groups_given = true;
    if (auto v = read_number<uint32_t>(*f, diag, 0, kMaxTableSize)) port.max_groups = *v;
  }
  if (auto f = map.take("max_sources_per_group")) {
    if (auto v = read_number<uint32_t>(*f, diag, 1, kMaxSourcesPerGroup)) port.max_sources_per_group = *v;
  }
  if (auto f = map.take("max_sources")) {
    state.max_sources_given = true;
    if (auto v = read_number<uint32_t>(*f, diag, 0, kMaxTableSize)) port.max_sources = *v;
  }
  if (auto f = map.take("flood_unregistered")) {
    if (auto v = read_bool(*f, diag)) port.flood_unregistered = *v;
  }
  if (auto f = map.take("flood_reports")) {
    if (auto v = read_bool(*f, diag)) port.flood_reports = *v;
  }
  if (auto f = map.take("igmp_rate_limit")) {
    if (auto v = read_number<uint32_t>(*f, diag, 1, 1'000'000)) port.igmp_rate_limit = *v;
  }
  read_router_guard(map, port, diag);
  read_port_bridge_keys(map, port, diag);
  read_mtu(map, port, diag);
  map.finish();
}

}  // namespace

void parse_ports(const std::optional<Field>& f, const Field& root, ParseState& st) {
  if (!f) {
    st.diag.error(root.line, "ports", "missing required key: list at least one port");
    return;
  }
  auto items = read_list(*f, st.diag);
  if (!items) return;
  if (items->empty()) {
    st.diag.error(f->line, f->path, "list at least one port");
    return;
  }
  if (items->size() > kMaxPorts) {
    st.diag.error(f->line, f->path,
                  std::to_string(items->size()) + " ports given; at most " + std::to_string(kMaxPorts) +
                      " are supported");
    return;
  }
  std::vector<Claim> claims;
  for (size_t i = 0; i < items->size(); ++i) parse_port((*items)[i], i, st, claims);
}

// Fair shares: with every port at its share, the shares add up to no more than the table's
// limit, so nothing one port sends can make the engine refuse another port's join.
void resolve_port_limits(ParseState& st) {
  Config& cfg = st.cfg;
  if (cfg.ports.empty()) return;
  const auto n = static_cast<uint32_t>(cfg.ports.size());
  const uint32_t group_share = std::max<uint32_t>(1, cfg.snooping.max_groups / n);
  const uint32_t source_share = std::max<uint32_t>(1, cfg.snooping.max_sources / n);
  for (size_t i = 0; i < cfg.ports.size() && i < st.ports.size(); ++i) {
    if (!st.ports[i].max_groups_given) cfg.ports[i].max_groups = group_share;
    if (!st.ports[i].max_sources_given) cfg.ports[i].max_sources = source_share;
  }
}

}  // namespace mcsnoop::config::detail
