// The contract's `show` commands as JSON, built from the engine and the data plane counters.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <tuple>
#include <cstdint>
#include <memory>
#include <queue>
#include <stdexcept>
#include <vector>

#include <rte_version.h>

#include "mcsnoop/control/control_plane.hpp"
#include "mcsnoop/l2/mac_table.hpp"
#include "mcsnoop/mft/mft.hpp"

namespace mcsnoop::control {

namespace {

using nlohmann::json;

// Seconds with millisecond precision, as the contract's expires_s.
json seconds(snoop::Ms ms) { return std::round(static_cast<double>(ms.count())) / 1000.0; }

const char* family_name(net::Family f) { return f == net::Family::V4 ? "ipv4" : "ipv6"; }

// Protocol and version as operators write them: IGMPv3, MLDv2.
std::string compat_name(net::Family f, uint8_t version) {
  return (f == net::Family::V4 ? "IGMPv" : "MLDv") + std::to_string(version);
}

json ms_seconds_or_null(std::optional<snoop::Ms> ms) { return ms ? seconds(*ms) : json(nullptr); }

json drops_json(const dataplane::PortCounters& c) {
  json d = json::object();
  for (size_t i = 0; i < c.drops.size(); ++i) d[std::string(dataplane::kDropNames[i])] = c.drops[i];
  return d;
}

// Control messages by type and version: {"igmp": {"queries_v1": n, ...}, "mld": {...}, ...}.
json messages_json(const snoop::MsgCounters& c) {
  json out = json::object();
  for (const snoop::MsgCounterField& f : snoop::kMsgCounterFields) out[std::string(f.protocol)][std::string(f.name)] = c.*f.member;
  return out;
}

// The NIC's own counters (dataplane::PortStatus::nic_stats), next to the switch's.
json nic_json(const dataplane::NicStats& s) {
  return {{"ipackets", s.ipackets}, {"opackets", s.opackets}, {"ibytes", s.ibytes}, {"obytes", s.obytes},
          {"imissed", s.imissed},   {"ierrors", s.ierrors},   {"oerrors", s.oerrors}, {"rx_nombuf", s.rx_nombuf}};
}

// The state the port's reports hold in the engine, its limits (0 = none), and how much they
// refused (issue 8).
json snooping_json(const snoop::PortUsage& u, const PortBaseline& b) {
  return {{"groups", u.groups},
          {"sources", u.sources},
          {"max_groups", u.max_groups},
          {"max_sources", u.max_sources},
          {"max_sources_per_group", u.max_sources_per_group},
          {"refused_groups", u.refused_groups - b.refused_groups},
          {"refused_sources", u.refused_sources - b.refused_sources}};
}

}  // namespace

// Bridge protection per port: forwarding state (BPDU guard) and port security.
void ControlPlane::add_bridge_fields(json& port, PortId p) const {
  port["state"] = sw_.state.port(p).shut.load() ? "bpdu-guard-shut" : "forwarding";
  port["macs"] = sw_.macs.port_size(p);
  port["max_macs"] = sw_.macs.port_limit(p);
  port["macs_refused"] = bridge_.macs_refused(p) - baseline_.ports[p].macs_refused;
}

json ControlPlane::show_ports() const {
  json out = json::array();
  for (PortId p = 0; p < port_count(); ++p) {
    const PortBaseline& b = baseline_.ports[p];
    const dataplane::PortCounters c = counters_minus(port_counters(p), b.dp);
    const dataplane::NicStats nic = sw_.port_status.nic_stats(p).value_or(b.nic);
    const snoop::PortUsage usage = engine_.port_usage(p);
    out.push_back({{"name", port_name(p)},
                   {"link", sw_.state.port(p).link_up.load() ? "up" : "down"},
                   {"mtu", sw_.port_status.mtu(p)},
                   {"rx_packets", c.rx_packets},
                   {"tx_packets", c.tx_packets},
                   {"rx_bytes", c.rx_bytes},
                   {"tx_bytes", c.tx_bytes},
                   {"igmp_rx", c.punted},
                   {"flooded", c.flooded},
                   {"mcast_lookups", c.mcast_lookups},
                   {"mcast_unregistered", c.mcast_unregistered},
                   {"drops", drops_json(c)},
                   {"dropped_router_guard",
                    engine_.port_counters(p).dropped_router_guard - b.engine.dropped_router_guard},
                   {"snooping", snooping_json(usage, b)},
                   {"nic", nic_json(counters_minus(nic, b.nic))},
                   {"groups", usage.groups},
                   {"max_groups", usage.max_groups},
                   {"igmp_rate_limit", sw_.spec.ports[p].punt_rate_pps},
                   {"policer_drops", c.drops[static_cast<size_t>(dataplane::Drop::PuntRateLimited)]},
                   {"messages",
                    {{"rx", messages_json(counters_minus(engine_.rx_messages(p), b.rx))},
                     {"tx", messages_json(counters_minus(tx_msgs_[p], b.tx))}}}});
    add_bridge_fields(out.back(), p);
  }
  return out;
}

json ControlPlane::show_stats() const {
  dataplane::PortCounters total;
  snoop::MsgCounters rx_total, tx_total;
  json per_port = json::object();
  for (PortId p = 0; p < port_count(); ++p) {
    const PortBaseline& b = baseline_.ports[p];
    total += counters_minus(port_counters(p), b.dp);
    const snoop::MsgCounters rx = counters_minus(engine_.rx_messages(p), b.rx);
    const snoop::MsgCounters tx = counters_minus(tx_msgs_[p], b.tx);
    rx_total += rx;
    tx_total += tx;
    per_port[port_name(p)] = {{"rx", messages_json(rx)}, {"tx", messages_json(tx)}};
  }
  const ControlCounters cc = counters_minus(counters_, control_base_);
  json decode = json::object();
  for (unsigned i = 0; i < net::kDecodeResultCount; ++i)
    if (i != static_cast<unsigned>(net::DecodeResult::Ok))
      decode[net::to_string(static_cast<net::DecodeResult>(i))] = cc.decode_errors[i];
  const snoop::Counters e = counters_minus(engine_.counters(), baseline_.engine);
  const snoop::TableUsage table = engine_.table_usage();
  const auto& ms = sw_.mft.stats();
  return {
      {"ports", port_count()},
      {"rx_packets", total.rx_packets},
      {"tx_packets", total.tx_packets},
      {"rx_bytes", total.rx_bytes},
      {"tx_bytes", total.tx_bytes},
      {"igmp_rx", total.punted},
      {"flooded", total.flooded},
      {"mcast_lookups", total.mcast_lookups},
      {"mcast_unregistered", total.mcast_unregistered},
      {"drops", drops_json(total)},
      {"messages", {{"rx", messages_json(rx_total)}, {"tx", messages_json(tx_total)}, {"ports", per_port}}},
      {"counters_cleared_s_ago",
       baseline_.cleared_at_ms == 0 ? json(nullptr) : seconds(snoop::Ms(now_ms_ - baseline_.cleared_at_ms))},
      {"control",
       {{"punted_frames", cc.punted_frames},
        {"decoded", cc.decoded},
        {"flooded_unrecognized", cc.flooded_unrecognized},
        {"decode", decode},
        {"queries_sent", cc.queries_built},
        {"mrd_solicitations_sent", cc.mrd_solicitations_sent},
        {"mft_refused", cc.mft_refused},
        {"mft_retry_pending", mft_retry_.size()},
        {"mft_retried", cc.mft_retried},
        {"mft_retry_dropped", cc.mft_retry_dropped},
        {"query_frames_split", cc.query_frames_split},
        {"tx_oversize", cc.frames_oversize},
        {"no_mbuf", cc.frames_lost_no_mbuf},
        {"link_changes", cc.link_changes},
        {"learn_events", cc.learn_events},
        {"state_log_suppressed", state_log_.suppressed_total() - baseline_.state_log_suppressed}}},
      {"snooping",
       {{"messages", e.messages}, {"queries", e.queries}, {"reports", e.reports}, {"leaves", e.leaves},
        {"records", e.records}, {"pim_hellos", e.pim_hellos}, {"mrd", e.mrd},
        {"queries_sent", e.queries_sent},
        {"ignored_link_local", e.ignored_link_local}, {"ignored_ssm", e.ignored_ssm},
        {"ignored_not_multicast", e.ignored_not_multicast}, {"ignored_unknown_vlan", e.ignored_unknown_vlan},
        {"refused_port_limit", e.refused_port_limit}, {"refused_table_full", e.refused_table_full},
        {"refused_vlan_limit", e.refused_vlan_limit}, {"refused_source_limit", e.refused_source_limit},
        {"refused_port_sources", e.refused_port_sources}, {"refused_table_sources", e.refused_table_sources},
        {"groups", table.groups}, {"static_groups", table.static_groups}, {"sources", table.sources},
        {"groups_expired", e.groups_expired},
        {"dropped_router_guard", e.dropped_router_guard},
        {"topology_queries_deferred", e.topology_queries_deferred},
        {"ignored_not_querier_leave", e.ignored_not_querier_leave},
        {"ignored_invalid_source", e.ignored_invalid_source}, {"ignored_router_guard", e.ignored_router_guard},
        {"ignored_compat", e.ignored_compat}, {"ignored_snooping_off", e.ignored_snooping_off},
        {"fast_leaves", e.fast_leaves}, {"host_leaves_kept", e.host_leaves_kept},
        {"mrd_terminations", e.mrd_terminations}}},
      {"mft", {{"entries", sw_.mft.size()}, {"capacity", sw_.mft.capacity()},
               {"refused_full", ms.refused_full - baseline_.mft_refused_full},
               {"refused_backlog", ms.refused_backlog - baseline_.mft_refused_backlog},
               {"pending_reclaim", ms.pending}}},
      {"mac_table", {{"entries", sw_.macs.size()}, {"learn_events", cc.learn_events},
                     {"learned", cc.macs_learned}, {"moved", cc.macs_moved},
                     {"aged", cc.macs_aged}, {"full", cc.mac_table_full},
                     {"refused_port_limit", sw_.macs.stats().refused_port_limit - baseline_.mac_refused_port_limit},
                     {"flapping", bridge_.counters().mac_flaps - baseline_.mac_flaps},
                     {"guard_shutdowns", bridge_.counters().guard_shutdowns - baseline_.guard_shutdowns}}},
  };
}

// ---- show groups ------------------------------------------------------------------------------

PortId ControlPlane::port_by_name(const std::string& name) const {
  for (PortId p = 0; p < port_count(); ++p) {
    if (sw_.ports[p].name == name) return p;
  }
  throw std::runtime_error("no port named '" + name + "'");
}

namespace {

// A request's optional "vlan": 1..4094.
std::optional<VlanId> vlan_arg(const json& request) {
  const auto it = request.find("vlan");
  if (it == request.end() || it->is_null()) return std::nullopt;
  if (!it->is_number_integer() || it->get<int64_t>() < 1 || it->get<int64_t>() > 4094) {
    throw std::runtime_error("vlan: expected a VLAN id 1..4094");
  }
  return static_cast<VlanId>(it->get<int64_t>());
}

std::optional<std::string> string_arg(const json& request, const char* key) {
  const auto it = request.find(key);
  if (it == request.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) throw std::runtime_error(std::string(key) + ": expected a string");
  return it->get<std::string>();
}

bool bool_arg(const json& request, const char* key) {
  const auto it = request.find(key);
  if (it == request.end() || it->is_null()) return false;
  if (!it->is_boolean()) throw std::runtime_error(std::string(key) + ": expected true or false");
  return it->get<bool>();
}

// Group keys are collected this many per slice, each run sorted on its own, then merged.
constexpr size_t kKeysPerSlice = 8192;
// `show groups`: a million groups take seconds to render, so the answer is made about
// kGroupsPerSlice entries per control-loop iteration (mgmt::ControlServer::on_stream) while
// the loop keeps draining the punt ring and running timers.
constexpr size_t kGroupsPerSlice = 512;

}  // namespace

// `show groups` sorted by (VLAN, group, source) without blocking the loop: the keys of the
// live groups are collected and sorted in bounded runs (phase 1), then the runs are merged
// with a heap and each group's rows built as it comes (phase 2). A group deleted meanwhile is
// skipped; one created meanwhile may be missing: the same rules as Engine::groups_slice().
class GroupsListing : public mgmt::ControlServer::ArrayStream {
 public:
  GroupsListing(const ControlPlane& cp, const snoop::Engine& engine, snoop::GroupFilter filter, bool detail,
                const uint64_t& now_ms)
      : cp_(cp), engine_(engine), filter_(filter), detail_(detail), now_ms_(now_ms) {}

  bool next(std::vector<json>& out) override {
    if (!collected_) {
      std::vector<snoop::GroupKey> run;
      collected_ = engine_.group_keys_slice(cursor_, kKeysPerSlice, filter_, run);
      if (!run.empty()) {
        std::sort(run.begin(), run.end());
        runs_.push_back(std::move(run));
        heap_.push(Head{runs_.back().front(), runs_.size() - 1, 0});
      }
      if (!collected_) return false;  // more keys to collect on the next slice
    }
    const snoop::Ms now(now_ms_);
    const size_t start = out.size();  // `out` may hold earlier slices (the one-shot answer)
    while (!heap_.empty() && out.size() - start < kGroupsPerSlice) {
      const Head h = heap_.top();
      heap_.pop();
      if (h.pos + 1 < runs_[h.run].size()) heap_.push(Head{runs_[h.run][h.pos + 1], h.run, h.pos + 1});
      if (detail_) {
        members_.clear();
        engine_.member_views(h.key, filter_, now, members_);
        for (const snoop::MemberView& m : members_) out.push_back(member_json(m));
      } else {
        views_.clear();
        engine_.group_views(h.key, filter_, now, views_);
        for (const snoop::GroupView& g : views_) out.push_back(group_json(g));
      }
    }
    return heap_.empty();
  }

 private:
  json ports_json(PortMask ports) const {
    json out = json::array();
    ports.for_each([&](PortId p) { out.push_back(cp_.port_name(p)); });
    return out;
  }
  json group_json(const snoop::GroupView& g) const {
    return {{"vlan", g.vlan},
            {"group", g.group.to_string()},
            {"source", g.source ? json(g.source->to_string()) : json(nullptr)},
            {"mode", g.exclude_mode ? "exclude" : "include"},
            {"ports", ports_json(g.ports)},
            {"static", g.is_static},
            {"expires_s", g.is_static ? json(nullptr) : seconds(g.expires)}};
  }
  // RFC 9166 (ietf-igmp-mld-snooping) leaf names where one fits.
  json member_json(const snoop::MemberView& m) const {
    json sources = json::array();
    for (const snoop::MemberView::Source& s : m.sources) {
      sources.push_back({{"address", s.addr.to_string()},
                         {"expire", s.blocked || (s.is_static && s.expires.count() == 0) ? json(nullptr) : seconds(s.expires)},
                         {"blocked", s.blocked},
                         {"static", s.is_static}});
    }
    json hosts = json::array();
    for (const snoop::MemberView::Host& h : m.hosts) {
      hosts.push_back({{"address", h.addr.to_string()}, {"expire", seconds(h.expires)}});
    }
    const net::Family fam = m.group.family();
    return {{"vlan", m.vlan},
            {"group", m.group.to_string()},
            {"port", cp_.port_name(m.port)},
            {"static", m.is_static},
            {"filter-mode", m.exclude ? "exclude" : "include"},
            {"expire", m.is_static ? json(nullptr) : seconds(m.expires)},
            {"compatibility", compat_name(fam, m.compat)},
            {"version", m.compat},
            {"up-time", m.is_static ? json(nullptr) : seconds(m.up_time)},
            {"last-reporter", m.last_reporter ? json(m.last_reporter->to_string()) : json(nullptr)},
            {"host-count", m.hosts.size()},
            {"hosts_overflow", m.hosts_overflow},
            {"hosts", hosts},
            {"sources", sources}};
  }

  struct Head {
    snoop::GroupKey key;
    size_t run, pos;
    bool operator>(const Head& o) const { return o.key < key; }
  };
  const ControlPlane& cp_;  // outlives the stream: the ControlPlane owns the server
  const snoop::Engine& engine_;
  snoop::GroupFilter filter_;
  bool detail_;
  const uint64_t& now_ms_;  // the control loop's clock, read at every slice
  size_t cursor_ = 0;
  bool collected_ = false;
  std::vector<std::vector<snoop::GroupKey>> runs_;
  std::priority_queue<Head, std::vector<Head>, std::greater<>> heap_;
  std::vector<snoop::GroupView> views_;
  std::vector<snoop::MemberView> members_;
};

std::unique_ptr<mgmt::ControlServer::ArrayStream> ControlPlane::groups_stream(const json& request) const {
  snoop::GroupFilter f;
  f.vlan = vlan_arg(request);
  if (const auto g = string_arg(request, "group")) {
    f.group = net::IpAddr::parse(*g);
    if (!f.group || !f.group->is_multicast()) throw std::runtime_error("group: '" + *g + "' is not a multicast address");
  }
  if (const auto p = string_arg(request, "port")) f.port = port_by_name(*p);
  return std::make_unique<GroupsListing>(*this, engine_, f, bool_arg(request, "detail"), now_ms_);
}

json ControlPlane::show_groups(const json& request) const {
  std::unique_ptr<mgmt::ControlServer::ArrayStream> stream = groups_stream(request);
  std::vector<json> entries;
  while (!stream->next(entries)) {
  }
  return json(std::move(entries));
}

// ---- routers, querier -------------------------------------------------------------------------

json ControlPlane::show_routers() const {
  json out = json::array();
  const snoop::Ms now(now_ms_);
  for (const snoop::RouterDetail& r : engine_.router_details(now)) {
    json by = json::array();
    json timers = json::object();
    if (r.is_static) by.push_back("static");
    const std::pair<const char*, snoop::Ms> mechanisms[] = {{"query", r.by_query}, {"pim", r.by_pim}, {"mrd", r.by_mrd}};
    snoop::Ms expires{0};
    for (const auto& [name, left] : mechanisms) {
      if (left.count() <= 0) continue;
      by.push_back(name);
      timers[name] = seconds(left);
      expires = std::max(expires, left);
    }
    out.push_back({{"vlan", r.vlan},
                   {"family", family_name(r.family)},
                   {"port", port_name(r.port)},
                   {"kind", r.is_static ? "static" : "learned"},
                   {"expires_s", r.is_static ? json(nullptr) : seconds(expires)},
                   {"learned_by", by},
                   {"timers", timers}});
  }
  return out;
}

json ControlPlane::show_querier() const {
  json out = json::array();
  for (const snoop::QuerierDetail& d : engine_.querier_details(snoop::Ms(now_ms_))) {
    const snoop::QuerierView& q = d.view;
    out.push_back({{"vlan", q.vlan},
                   {"family", family_name(q.family)},
                   {"querier", q.querier ? json(q.querier->to_string()) : json(nullptr)},
                   {"self", q.self},
                   {"version", q.version},
                   {"expires_s", q.self || !q.querier ? json(nullptr) : seconds(q.expires)},
                   {"port", d.port ? json(port_name(*d.port)) : json(nullptr)},
                   {"qrv", d.robustness},
                   {"qqi_s", seconds(d.query_interval)},
                   {"qri_s", seconds(d.query_response_interval)},
                   {"next_query_s", ms_seconds_or_null(d.next_query)},
                   {"own_querier", d.own_enabled}});
  }
  return out;
}

// ---- vlans, mac, version ------------------------------------------------------------------------

json ControlPlane::show_vlans() const {
  static constexpr const char* kPolicy[] = {"flood", "router-ports", "drop"};
  static_assert(std::size(kPolicy) == static_cast<size_t>(snoop::UnregisteredPolicy::Drop) + 1,
                "one name per UnregisteredPolicy");
  const snoop::Ms now(now_ms_);
  const std::vector<snoop::QuerierDetail> queriers = engine_.querier_details(now);
  const std::vector<snoop::RouterView> routers = engine_.routers(now);
  json out = json::array();
  for (const snoop::VlanConfig& v : engine_.config().vlans) {
    const dataplane::VlanState& vs = sw_.state.vlan(v.id);
    json members = json::array(), tagged = json::array();
    vs.members.for_each([&](PortId p) {
      members.push_back(port_name(p));
      if (!vs.untagged.test(p)) tagged.push_back(port_name(p));
    });
    json querier = json::object();
    for (const snoop::QuerierDetail& d : queriers) {
      if (d.view.vlan != v.id) continue;
      querier[family_name(d.view.family)] = {
          {"querier", d.view.querier ? json(d.view.querier->to_string()) : json(nullptr)}, {"self", d.view.self}};
    }
    // By family, as `show routers` says it: a port can be a router port of one family only.
    json router_ports = {{"ipv4", json::array()}, {"ipv6", json::array()}};
    for (const snoop::RouterView& r : routers) {
      if (r.vlan == v.id) router_ports[family_name(r.family)].push_back(port_name(r.port));
    }
    out.push_back({{"id", v.id},
                   {"members", members},
                   {"tagged", tagged},
                   {"snooping", v.snooping},
                   {"mld", v.snooping && v.mld},
                   {"unregistered", kPolicy[static_cast<size_t>(v.unregistered)]},
                   {"querier_enabled", v.querier.enabled},
                   {"querier_address", v.querier.address ? json(v.querier.address->to_string()) : json(nullptr)},
                   {"querier_version", v.querier.version},
                   {"querier", querier},
                   {"router_ports", router_ports},
                   {"groups", engine_.vlan_groups(v.id)},
                   {"max_groups", v.max_groups},
                   {"static_groups", v.static_groups.size()},
                   {"robustness", v.timers.robustness},
                   {"query_interval_s", seconds(v.timers.query_interval)},
                   {"query_response_interval_s", seconds(v.timers.query_response_interval)}});
  }
  return out;
}

json ControlPlane::show_mac(const json& request) const {
  const std::optional<VlanId> vlan = vlan_arg(request);
  std::optional<PortId> port;
  if (const auto p = string_arg(request, "port")) port = port_by_name(*p);
  struct Row {
    VlanId vlan;
    std::array<uint8_t, 6> mac;
    PortId port;
    uint64_t seen;
  };
  std::vector<Row> rows;
  sw_.macs.for_each([&](const l2::MacKey& k, const l2::MacValue& v) {
    if ((vlan && k.vlan != *vlan) || (port && v.port != *port)) return;
    rows.push_back(Row{k.vlan, k.mac, v.port, v.last_seen_ms});
  });
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    return std::tie(a.vlan, a.mac) < std::tie(b.vlan, b.mac);
  });
  const auto aging = static_cast<uint64_t>(sw_.spec.mac_aging.count());
  json out = json::array();
  for (const Row& r : rows) {
    char mac[18];
    std::snprintf(mac, sizeof mac, "%02x:%02x:%02x:%02x:%02x:%02x", r.mac[0], r.mac[1], r.mac[2], r.mac[3], r.mac[4],
                  r.mac[5]);
    const uint64_t now = now_ms_ & l2::MacValue::kTimeMask;
    const uint64_t age = now >= r.seen ? now - r.seen : 0;
    out.push_back({{"vlan", r.vlan},
                   {"mac", mac},
                   {"port", port_name(r.port)},
                   {"age_s", seconds(snoop::Ms(age))},
                   {"expires_s", seconds(snoop::Ms(age >= aging ? 0 : aging - age))}});
  }
  return out;
}

void ControlPlane::set_run_info(std::string version, std::string config_path) {
  version_ = std::move(version);
  config_path_ = std::move(config_path);
}

json ControlPlane::show_version() const {
  return {{"version", version_},
          {"uptime_s", seconds(snoop::Ms(now_ms_ - started_ms_))},
          {"config", config_path_.empty() ? json(nullptr) : json(config_path_)},
          {"ports", port_count()},
          {"dpdk", rte_version()}};
}

void ControlPlane::register_handlers() {
  server_.on("show ports", [this](const json&) { return show_ports(); });
  server_.on("show stats", [this](const json&) { return show_stats(); });
  server_.on_stream("show groups", [this](const json& req) { return groups_stream(req); });
  server_.on("show routers", [this](const json&) { return show_routers(); });
  server_.on("show querier", [this](const json&) { return show_querier(); });
  server_.on("port enable", [this](const json& req) { return enable_port(req); });
  server_.on("explain", [this](const json& req) { return explain(req); });
  register_view_handlers();
}

void ControlPlane::register_view_handlers() {
  server_.on("show vlans", [this](const json&) { return show_vlans(); });
  server_.on("show mac", [this](const json& req) { return show_mac(req); });
  server_.on("show version", [this](const json&) { return show_version(); });
  server_.on("clear groups", [this](const json& req) { return clear_groups(req); });
  server_.on("clear counters", [this](const json&) { return clear_counters(); });
}

}  // namespace mcsnoop::control
