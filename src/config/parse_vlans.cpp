// The `vlans` section: per-VLAN snooping switch, querier, static groups and overrides of the
// `snooping` keys.
#include <string>

#include "mcsnoop/config/duration.hpp"
#include "sections.hpp"

namespace mcsnoop::config::detail {
namespace {

// What parse_vlan learned about the entry that the nested parsers need.
struct VlanContext {
  Vlan& vlan;
  bool id_ok;
  // vlan.effective holds what the file meant for these keys (no override or default failed).
  bool timers_ok;
  bool mld_ok;
  SnoopingKeyFields& fields;
};

bool is_unicast_v4(const net::IpAddr& a) {
  const uint32_t h = a.v4_host();
  return !a.is_multicast() && h != 0 && h != 0xffffffffu && (h >> 24) != 127;
}

// The field to blame for an interval the querier's version cannot encode: the VLAN's own
// override if it set one, else the querier key that chose the version.
const Field& blame(const std::optional<Field>& interval, const std::optional<Field>& version, const Field& fallback) {
  if (interval) return *interval;
  if (version) return *version;
  return fallback;
}

void check_encodable(const VlanContext& ctx, std::string_view protocol, Duration limit,
                     const std::optional<Field>& version_f, const Field& querier_f, Diagnostics& diag) {
  const SnoopingSettings& s = ctx.vlan.effective;
  const auto report = [&](std::string_view key, Duration value, const std::optional<Field>& interval_f) {
    const Field& at = blame(interval_f, version_f, querier_f);
    diag.error(at.line, at.path,
               std::string(protocol) + " queries carry at most " + format_duration(limit) + " of response time; " +
                   std::string(key) + " is " + format_duration(value));
  };
  if (s.query_response_interval > limit) {
    report("query_response_interval", s.query_response_interval, ctx.fields.query_response_interval);
  }
  if (s.last_member_query_interval > limit) {
    report("last_member_query_interval", s.last_member_query_interval, ctx.fields.last_member_query_interval);
  }
}

void parse_querier(const Field& f, VlanContext& ctx, ParseState& st) {
  Diagnostics& diag = st.diag;
  Querier& q = ctx.vlan.querier;
  MapReader map(f, diag);
  auto enabled_f = map.take("enabled");
  auto address_f = map.take("address");
  auto version_f = map.take("version");
  auto address6_f = map.take("address6");
  auto mld_version_f = map.take("mld_version");
  map.finish();
  if (!map.is_map()) return;

  if (enabled_f) {
    if (auto v = read_bool(*enabled_f, diag)) q.enabled = *v;
  }
  if (version_f) {
    if (auto v = read_number<uint8_t>(*version_f, diag, 1, 3)) q.version = *v;
  }
  if (mld_version_f) {
    if (auto v = read_number<uint8_t>(*mld_version_f, diag, 1, 2)) q.mld_version = *v;
  }
  if (address_f) {
    if (auto a = read_ip(*address_f, diag)) {
      if (!a->is_v4()) {
        diag.error(address_f->line, address_f->path, "address is the IPv4 (IGMP) querier address; use address6 for MLD");
      } else if (!is_unicast_v4(*a)) {
        diag.error(address_f->line, address_f->path, address_f->node.Scalar() + " is not a unicast address");
      } else {
        q.address = *a;
      }
    }
  }
  if (address6_f) {
    if (auto a = read_ip(*address6_f, diag)) {
      if (a->is_v4()) {
        diag.error(address6_f->line, address6_f->path, "address6 is the IPv6 (MLD) querier address; use address for IGMP");
      } else if (!a->is_link_local_unicast_v6()) {
        // RFC 3810 5.1.14 / RFC 2710 3: MLD messages are sent from a link-local address.
        diag.error(address6_f->line, address6_f->path,
                   address6_f->node.Scalar() + " is not a link-local unicast address (fe80::/10), as MLD requires");
      } else {
        q.address6 = *a;
      }
    }
  }
  if (!q.enabled) return;

  if (!ctx.vlan.snooping) {
    diag.error(enabled_f->line, enabled_f->path, "the querier needs snooping on in this VLAN (snooping: true)");
  }
  if (!address_f && !address6_f) {
    diag.error(enabled_f->line, f.path, "an enabled querier needs address (IGMP) and/or address6 (MLD)");
  }
  if (address6_f && ctx.mld_ok && !ctx.vlan.effective.mld) {
    diag.error(address6_f->line, address6_f->path, "MLD snooping is off in this VLAN (mld: false)");
  }
  if (!ctx.timers_ok) return;
  if (q.address && q.version == 2) check_encodable(ctx, "IGMPv2", kMaxIgmpV2Response, version_f, f, diag);
  if (q.address6 && q.mld_version == 1) check_encodable(ctx, "MLDv1", kMaxMldV1Response, mld_version_f, f, diag);
}

std::optional<PortMask> read_group_ports(const Field& f, const VlanContext& ctx, ParseState& st) {
  auto items = read_list(f, st.diag);
  if (!items) return std::nullopt;
  if (items->empty()) {
    st.diag.error(f.line, f.path, "needs at least one port");
    return std::nullopt;
  }
  PortMask mask;
  bool ok = true;
  for (const Field& item : *items) {
    auto name = read_string(item, st.diag);
    if (!name) {
      ok = false;
      continue;
    }
    auto p = st.cfg.find_port(*name);
    if (!p) {
      st.diag.error(item.line, item.path, "unknown port '" + *name + "'");
      ok = false;
    } else if (ctx.id_ok && st.ports[*p].vlans_ok && !st.cfg.ports[*p].carries(ctx.vlan.id)) {
      st.diag.error(item.line, item.path,
                    "port '" + *name + "' does not carry VLAN " + std::to_string(ctx.vlan.id));
      ok = false;
    } else {
      mask.set(*p);
    }
  }
  if (!ok) return std::nullopt;
  return mask;
}

void parse_static_group(const Field& f, VlanContext& ctx, ParseState& st, std::vector<std::string>& seen_paths) {
  Diagnostics& diag = st.diag;
  MapReader map(f, diag);
  auto group_f = map.require("group");
  auto source_f = map.take("source");
  auto ports_f = map.require("ports");
  map.finish();

  StaticGroup sg;
  std::optional<net::IpAddr> group;
  if (group_f && (group = read_ip(*group_f, diag))) {
    const std::string text = group_f->node.Scalar();
    if (!group->is_multicast()) {
      diag.error(group_f->line, group_f->path, text + " is not a multicast address");
      group.reset();
    } else if (group->is_unsnoopable_group()) {
      diag.error(group_f->line, group_f->path,
                 text + " is in a link-local scope that is always flooded, never snooped");
      group.reset();
    } else if (!group->is_v4() && ctx.mld_ok && !ctx.vlan.effective.mld) {
      diag.error(group_f->line, group_f->path, "MLD snooping is off in this VLAN (mld: false)");
      group.reset();
    } else {
      sg.group = *group;
    }
  }
  bool ok = group.has_value();
  if (source_f) {
    if (auto source = read_ip(*source_f, diag)) {
      const std::string text = source_f->node.Scalar();
      if (source->is_multicast() || source->is_unspecified()) {
        diag.error(source_f->line, source_f->path, text + " is not a unicast source address");
        ok = false;
      } else if (group && source->is_v4() != group->is_v4()) {
        diag.error(source_f->line, source_f->path,
                   "source " + text + " and group " + group_f->node.Scalar() + " are of different IP families");
        ok = false;
      } else {
        sg.source = *source;
      }
    } else {
      ok = false;
    }
  }
  if (ports_f) {
    auto mask = read_group_ports(*ports_f, ctx, st);
    if (mask) sg.ports = *mask;
  }
  if (!ok) return;

  auto& groups = ctx.vlan.static_groups;
  for (size_t i = 0; i < groups.size(); ++i) {
    if (groups[i].group == sg.group && groups[i].source == sg.source) {
      diag.error(group_f->line, group_f->path, "the same group" + std::string(sg.source ? " and source" : "") +
                                                    " is already listed in " + seen_paths[i]);
      return;
    }
  }
  groups.push_back(sg);
  seen_paths.push_back(f.path);
}

void parse_static_groups(const Field& f, VlanContext& ctx, ParseState& st) {
  auto items = read_list(f, st.diag);
  if (!items) return;
  if (!items->empty() && !ctx.vlan.snooping) {
    st.diag.error(f.line, f.path, "static groups need snooping on in this VLAN (snooping: true)");
  }
  std::vector<std::string> seen_paths;  // parallel to vlan.static_groups
  for (const Field& item : *items) parse_static_group(item, ctx, st, seen_paths);
}

void parse_vlan(const Field& item, std::vector<std::string>& defined_at, ParseState& st) {
  Diagnostics& diag = st.diag;
  MapReader map(item, diag);
  if (!map.is_map()) return;

  Vlan vlan;
  bool id_ok = false;
  if (auto id_f = map.require("id")) {
    if (auto id = read_number<VlanId>(*id_f, diag, 1, 4094)) {
      if (const Vlan* other = st.cfg.find_vlan(*id)) {
        diag.error(id_f->line, id_f->path, "VLAN " + std::to_string(*id) + " is already defined by " +
                                               defined_at[static_cast<size_t>(other - st.cfg.vlans.data())]);
      } else {
        vlan.id = *id;
        id_ok = true;
      }
    }
  }
  if (auto f = map.take("snooping")) {
    if (auto v = read_bool(*f, diag)) vlan.snooping = *v;
  }
  SnoopingKeyFields fields;
  const ParseState::SnoopingReadStatus own = read_snooping_keys(map, diag, vlan.overrides, fields);
  auto querier_f = map.take("querier");
  auto groups_f = map.take("static_groups");
  map.finish();

  vlan.effective = vlan.overrides.apply_to(st.cfg.snooping);
  VlanContext ctx{vlan, id_ok, own.timers_ok && st.snooping_status.timers_ok,
                  own.mld_ok && st.snooping_status.mld_ok, fields};
  if (ctx.timers_ok) check_timer_order(vlan.effective, fields, diag);
  if (querier_f) parse_querier(*querier_f, ctx, st);
  if (groups_f) parse_static_groups(*groups_f, ctx, st);

  if (id_ok) {
    st.cfg.vlans.push_back(std::move(vlan));
    defined_at.push_back(item.path);
  }
}

}  // namespace

void parse_vlans(const std::optional<Field>& f, ParseState& st) {
  if (!f) return;
  auto items = read_list(*f, st.diag);
  if (!items) return;
  std::vector<std::string> defined_at;  // parallel to cfg.vlans: the path that defined each
  for (const Field& item : *items) parse_vlan(item, defined_at, st);
}

}  // namespace mcsnoop::config::detail
