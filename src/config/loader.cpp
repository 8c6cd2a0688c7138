// load_file / load_string (loader.hpp): YAML parsing, section dispatch, and the whole-config
// steps that come after every section has been read.
#include "mcsnoop/config/loader.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

#include "sections.hpp"

namespace mcsnoop::config {
namespace {

using detail::Diagnostics;
using detail::Field;

// VLANs that ports carry but `vlans` does not list get an entry with the global settings, and
// every VLAN learns which ports carry it.
void resolve_vlan_membership(Config& cfg) {
  std::vector<VlanId> implicit;
  for (size_t p = 0; p < cfg.ports.size(); ++p) {
    for (VlanId vid : cfg.ports[p].vlans()) {
      if (!cfg.find_vlan(vid) && std::find(implicit.begin(), implicit.end(), vid) == implicit.end()) {
        implicit.push_back(vid);
      }
    }
  }
  std::sort(implicit.begin(), implicit.end());
  for (VlanId vid : implicit) {
    Vlan v;
    v.id = vid;
    v.effective = cfg.snooping;
    v.implicit = true;
    cfg.vlans.push_back(std::move(v));
  }
  for (Vlan& v : cfg.vlans) {
    for (size_t p = 0; p < cfg.ports.size(); ++p) {
      if (cfg.ports[p].carries(v.id)) v.members.set(static_cast<PortId>(p));
    }
  }
}

void warn_about_unused_vlans(const Config& cfg, const Field& vlans, Diagnostics& diag) {
  for (size_t i = 0; i < cfg.vlans.size(); ++i) {
    const Vlan& v = cfg.vlans[i];
    if (v.implicit || !v.members.empty()) continue;
    // Listed VLANs come first in cfg.vlans, in file order.
    const YAML::Node item = vlans.node[i];
    const int line = item.Mark().line >= 0 ? item.Mark().line + 1 : vlans.line;
    diag.warning(line, detail::index_path(vlans.path, i), "no port carries VLAN " + std::to_string(v.id));
  }
}

LoadResult finish(Diagnostics& diag, std::optional<Config> cfg) {
  LoadResult r;
  r.errors = diag.take_errors();
  r.warnings = diag.take_warnings();
  if (r.errors.empty()) r.config = std::move(cfg);
  return r;
}

}  // namespace

std::string Error::to_string() const {
  std::string out = origin;
  if (line > 0) {
    out += ':';
    out += std::to_string(line);
  }
  out += ": ";
  if (!path.empty()) out += path + ": ";
  out += message;
  return out;
}

LoadResult load_string(std::string_view yaml, std::string_view origin) {
  Diagnostics diag{std::string(origin)};
  std::vector<YAML::Node> docs;
  try {
    docs = YAML::LoadAll(std::string(yaml));
  } catch (const YAML::Exception& e) {
    diag.error(e.mark.line >= 0 ? e.mark.line + 1 : 0, "", "YAML syntax error: " + e.msg);
    return finish(diag, std::nullopt);
  }
  if (docs.empty() || (docs.size() == 1 && docs[0].IsNull())) {
    diag.error(1, "", "the configuration is empty (at least `ports` is required)");
    return finish(diag, std::nullopt);
  }
  if (docs.size() > 1) {
    const int line = docs[1].Mark().line >= 0 ? docs[1].Mark().line + 1 : 1;
    diag.error(line, "", "a configuration is one YAML document; found " + std::to_string(docs.size()));
    return finish(diag, std::nullopt);
  }

  const Field root{docs[0], "", 1};
  detail::MapReader top(root, diag);
  if (!top.is_map()) return finish(diag, std::nullopt);
  auto dpdk_f = top.take("dpdk");
  auto cores_f = top.take("cores");
  auto ports_f = top.take("ports");
  auto vlans_f = top.take("vlans");
  auto snooping_f = top.take("snooping");
  auto mac_table_f = top.take("mac_table");
  auto control_f = top.take("control");
  auto logging_f = top.take("logging");
  top.finish();

  Config cfg;
  detail::ParseState st{diag, cfg};
  // Dependency order (sections.hpp), not file order.
  detail::parse_dpdk(dpdk_f, st);
  detail::parse_cores(cores_f, root, st);
  detail::parse_ports(ports_f, root, st);
  detail::parse_snooping(snooping_f, st);
  detail::resolve_port_limits(st);
  detail::parse_vlans(vlans_f, st);
  detail::parse_mac_table(mac_table_f, st);
  detail::parse_control(control_f, st);
  detail::parse_logging(logging_f, st);

  if (diag.error_count() != 0) return finish(diag, std::nullopt);
  resolve_vlan_membership(cfg);
  if (vlans_f) warn_about_unused_vlans(cfg, *vlans_f, diag);
  return finish(diag, std::move(cfg));
}

LoadResult load_file(const std::string& path) {
  const auto unreadable = [&](int err) {
    LoadResult r;
    r.errors.push_back(Error{path, 0, "", std::string("cannot read the file: ") + std::strerror(err)});
    return r;
  };
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open()) return unreadable(errno);
  std::string text;
  try {
    // libstdc++ throws from the stream buffer when read(2) fails, e.g. EISDIR for a directory.
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  } catch (const std::ios_base::failure&) {
    return unreadable(errno != 0 ? errno : EIO);
  }
  if (in.bad()) return unreadable(errno != 0 ? errno : EIO);
  return load_string(text, path);
}

}  // namespace mcsnoop::config
