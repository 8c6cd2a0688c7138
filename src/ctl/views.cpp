#include "ctl/views.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <vector>

#include "ctl/table.hpp"
#include "mcsnoop/mgmt/protocol.hpp"

namespace mcsnoop::ctl {
namespace {

using nlohmann::json;
namespace command = mgmt::command;

constexpr const char* kAbsent = "-";

const json& field(const json& object, const char* name) {
  static const json kNull;
  const auto it = object.find(name);
  return it == object.end() ? kNull : *it;
}

// The rows of a list reply; each must be an object.
const json::array_t& rows_of(const json& data, std::string_view what) {
  if (!data.is_array()) {
    throw ReplyShapeError(std::string(what) + ": expected a list, got " + data.type_name());
  }
  for (const json& row : data) {
    if (!row.is_object()) {
      throw ReplyShapeError(std::string(what) + ": expected list entries to be objects, got " +
                            row.type_name());
    }
  }
  return data.get_ref<const json::array_t&>();
}

std::string format_number(double value) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", value);
  return buf;
}

std::string format_link(const json& link) {
  if (link.is_boolean()) return link.get<bool>() ? "up" : "down";
  return format_value(link);
}

// IGMP for IPv4, MLD for IPv6: what an operator calls the querier's protocol version.
std::string format_querier_version(const json& family, const json& version) {
  if (!version.is_number_integer()) return format_value(version);
  const std::string v = std::to_string(version.get<int64_t>());
  if (family == "ipv4") return "IGMPv" + v;
  if (family == "ipv6") return "MLDv" + v;
  return v;
}

std::string format_drop_reasons(const json& drops) {
  if (!drops.is_object()) return kAbsent;
  std::string out;
  for (const auto& [reason, count] : drops.items()) {
    if (count.is_number() && count.get<double>() == 0) continue;
    if (!out.empty()) out += ' ';
    out += reason + '=' + format_value(count);
  }
  return out.empty() ? kAbsent : out;
}

json::number_unsigned_t total_drops(const json& drops) {
  json::number_unsigned_t total = 0;
  if (!drops.is_object()) return total;
  for (const json& count : drops) {
    if (count.is_number_unsigned()) total += count.get<json::number_unsigned_t>();
  }
  return total;
}

// Nested objects and lists become dotted keys: {"drops": {"policer": 3}} -> drops.policer 3.
void flatten(const json& value, const std::string& prefix, std::vector<Row>& rows) {
  if (value.is_object() || value.is_array()) {
    std::size_t index = 0;
    for (const auto& item : value.items()) {
      const std::string name = value.is_object() ? item.key() : std::to_string(index++);
      flatten(item.value(), prefix.empty() ? name : prefix + '.' + name, rows);
    }
    return;
  }
  rows.push_back({prefix, format_value(value)});
}

constexpr std::array kViews = {
    View{"groups", command::kShowGroups, "multicast group memberships per VLAN", &render_groups},
    View{"routers", command::kShowRouters, "multicast router ports, learned and static",
         &render_routers},
    View{"querier", command::kShowQuerier, "the IGMP/MLD querier of each VLAN", &render_querier},
    View{"ports", command::kShowPorts, "link state and packet counters per port", &render_ports},
    View{"stats", command::kShowStats, "switch-wide counters, drops by reason", &render_stats},
    View{"vlans", command::kShowVlans, "VLAN members, snooping, querier and policy", &render_vlans},
    View{"mac", command::kShowMac, "the MAC address table", &render_mac},
    View{"version", command::kShowVersion, "version, uptime and configuration file", &render_version},
};

}  // namespace

std::span<const View> views() { return kViews; }

const View* find_view(std::string_view topic) {
  for (const View& v : kViews) {
    if (v.topic == topic) return &v;
  }
  return nullptr;
}

std::string format_value(const json& value) {
  switch (value.type()) {
    case json::value_t::null:
    case json::value_t::discarded:
      return kAbsent;
    case json::value_t::boolean:
      return value.get<bool>() ? "yes" : "no";
    case json::value_t::number_integer:
      return std::to_string(value.get<json::number_integer_t>());
    case json::value_t::number_unsigned:
      return std::to_string(value.get<json::number_unsigned_t>());
    case json::value_t::number_float:
      return format_number(value.get<double>());
    case json::value_t::string: {
      const auto& s = value.get_ref<const std::string&>();
      return s.empty() ? kAbsent : s;
    }
    case json::value_t::array: {
      std::string out;
      for (const json& item : value) {
        if (!out.empty()) out += ',';
        out += format_value(item);
      }
      return out.empty() ? kAbsent : out;
    }
    case json::value_t::object:
    case json::value_t::binary:
      break;
  }
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string format_expires(const json& value) {
  if (!value.is_number()) return kAbsent;
  const double seconds = value.get<double>();
  if (!std::isfinite(seconds)) return kAbsent;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1fs", seconds);
  return buf;
}

namespace {

// `show groups detail`: one row per (port, group) and one more per source of it.
std::string render_detail_rows(const json::array_t& rows_in) {
  static const std::array<Column, 11> kColumns = {{{"VLAN", Align::kRight},
                                                   {"GROUP"},
                                                   {"SOURCE"},
                                                   {"PORT"},
                                                   {"MODE"},
                                                   {"VERSION"},
                                                   {"EXPIRES", Align::kRight},
                                                   {"UPTIME", Align::kRight},
                                                   {"HOSTS", Align::kRight},
                                                   {"LAST REPORTER"},
                                                   {"TYPE"}}};
  std::vector<Row> rows;
  for (const json& m : rows_in) {
    const std::string vlan = format_value(field(m, "vlan"));
    const std::string group = format_value(field(m, "group"));
    const std::string port = format_value(field(m, "port"));
    const bool is_static = field(m, "static") == true;
    std::string hosts = format_value(field(m, "host-count"));
    if (field(m, "hosts_overflow") == true) hosts += "+";
    rows.push_back({vlan, group, "*", port, format_value(field(m, "filter-mode")),
                    format_value(field(m, "compatibility")), format_expires(field(m, "expire")),
                    format_expires(field(m, "up-time")), hosts, format_value(field(m, "last-reporter")),
                    is_static ? "static" : "learned"});
    const json& sources = field(m, "sources");
    if (!sources.is_array()) continue;
    for (const json& src : sources) {
      if (!src.is_object()) throw ReplyShapeError("show groups detail: sources must be objects");
      const bool blocked = field(src, "blocked") == true;
      rows.push_back({vlan, group, format_value(field(src, "address")), port, blocked ? "blocked" : "forward", "",
                      format_expires(field(src, "expire")), "", "", "",
                      field(src, "static") == true ? "static" : "learned"});
    }
  }
  return render_table(kColumns, rows);
}

}  // namespace

std::string render_groups(const json& data) {
  static const std::array<Column, 6> kColumns = {{{"VLAN", Align::kRight},
                                                  {"GROUP"},
                                                  {"SOURCE"},
                                                  {"MODE"},
                                                  {"PORTS"},
                                                  {"EXPIRES", Align::kRight}}};
  const json::array_t& list = rows_of(data, "show groups");
  if (!list.empty() && list.front().contains("filter-mode")) return render_detail_rows(list);
  std::vector<Row> rows;
  for (const json& g : list) {
    const json& source = field(g, "source");
    rows.push_back({format_value(field(g, "vlan")), format_value(field(g, "group")),
                    source.is_null() ? "*" : format_value(source), format_value(field(g, "mode")),
                    format_value(field(g, "ports")), format_expires(field(g, "expires_s"))});
  }
  return render_table(kColumns, rows);
}

std::string render_group_detail(const json& data) {
  return render_detail_rows(rows_of(data, "show groups detail"));
}

std::string render_routers(const json& data) {
  static const std::array<Column, 6> kColumns = {{{"VLAN", Align::kRight},
                                                  {"FAMILY"},
                                                  {"PORT"},
                                                  {"KIND"},
                                                  {"LEARNED BY"},
                                                  {"EXPIRES", Align::kRight}}};
  std::vector<Row> rows;
  for (const json& r : rows_of(data, "show routers")) {
    rows.push_back({format_value(field(r, "vlan")), format_value(field(r, "family")),
                    format_value(field(r, "port")), format_value(field(r, "kind")),
                    format_value(field(r, "learned_by")), format_expires(field(r, "expires_s"))});
  }
  return render_table(kColumns, rows);
}

std::string render_querier(const json& data) {
  static const std::array<Column, 11> kColumns = {{{"VLAN", Align::kRight},
                                                   {"FAMILY"},
                                                   {"QUERIER"},
                                                   {"SELF"},
                                                   {"PORT"},
                                                   {"VERSION"},
                                                   {"EXPIRES", Align::kRight},
                                                   {"QRV", Align::kRight},
                                                   {"QQI", Align::kRight},
                                                   {"QRI", Align::kRight},
                                                   {"NEXT QUERY", Align::kRight}}};
  std::vector<Row> rows;
  for (const json& q : rows_of(data, "show querier")) {
    const json& family = field(q, "family");
    rows.push_back({format_value(field(q, "vlan")), format_value(family),
                    format_value(field(q, "querier")), format_value(field(q, "self")),
                    format_value(field(q, "port")), format_querier_version(family, field(q, "version")),
                    format_expires(field(q, "expires_s")), format_value(field(q, "qrv")),
                    format_expires(field(q, "qqi_s")), format_expires(field(q, "qri_s")),
                    format_expires(field(q, "next_query_s"))});
  }
  return render_table(kColumns, rows);
}

// A port BPDU guard has shut shows as such whatever its link does.
std::string format_port_link(const json& port) {
  if (field(port, "state") == "bpdu-guard-shut") return "shut (bpdu guard)";
  return format_link(field(port, "link"));
}

// "3/100" against the port's limit; "3" without one (0 = unlimited).
std::string format_against_limit(const json& used, const json& limit) {
  if (limit.is_number_unsigned() && limit.get<json::number_unsigned_t>() != 0) {
    return format_value(used) + "/" + format_value(limit);
  }
  return format_value(used);
}

// imissed + ierrors + rx_nombuf + oerrors: what the NIC lost on its own.
std::string format_nic_errors(const json& nic) {
  if (!nic.is_object()) return kAbsent;
  json::number_unsigned_t total = 0;
  for (const char* k : {"imissed", "ierrors", "oerrors", "rx_nombuf"}) {
    const json& v = field(nic, k);
    if (v.is_number_unsigned()) total += v.get<json::number_unsigned_t>();
  }
  return std::to_string(total);
}

std::string render_ports(const json& data) {
  static const std::array<Column, 12> kColumns = {{{"NAME"},
                                                   {"LINK"},
                                                   {"MTU", Align::kRight},
                                                   {"RX", Align::kRight},
                                                   {"TX", Align::kRight},
                                                   {"IGMP", Align::kRight},
                                                   {"GROUPS", Align::kRight},
                                                   {"MACS", Align::kRight},
                                                   {"POLICED", Align::kRight},
                                                   {"NIC ERR", Align::kRight},
                                                   {"DROPS", Align::kRight},
                                                   {"DROP REASONS"}}};
  std::vector<Row> rows;
  for (const json& p : rows_of(data, "show ports")) {
    const json& drops = field(p, "drops");
    rows.push_back({format_value(field(p, "name")), format_port_link(p), format_value(field(p, "mtu")),
                    format_value(field(p, "rx_packets")), format_value(field(p, "tx_packets")),
                    format_value(field(p, "igmp_rx")),
                    format_against_limit(field(p, "groups"), field(p, "max_groups")),
                    format_value(field(p, "macs")), format_value(field(p, "policer_drops")),
                    format_nic_errors(field(p, "nic")),
                    drops.is_object() ? std::to_string(total_drops(drops)) : kAbsent,
                    format_drop_reasons(drops)});
  }
  return render_table(kColumns, rows);
}

namespace {

// The message counters of `show stats` as one table: a row per protocol and type, received
// and sent side by side.
std::string render_messages(const json& messages) {
  static const std::array<Column, 3> kColumns = {{{"MESSAGE"}, {"RX", Align::kRight}, {"TX", Align::kRight}}};
  const json& rx = field(messages, "rx");
  const json& tx = field(messages, "tx");
  std::vector<Row> rows;
  if (rx.is_object()) {
    for (const auto& [protocol, types] : rx.items()) {
      if (!types.is_object()) continue;
      for (const auto& [type, count] : types.items()) {
        const json& sent = tx.is_object() && tx.contains(protocol) ? field(tx[protocol], type.c_str()) : json();
        rows.push_back({protocol + " " + type, format_value(count), format_value(sent)});
      }
    }
  }
  return render_table(kColumns, rows);
}

}  // namespace

std::string render_stats(const json& data) {
  static const std::array<Column, 2> kColumns = {{{"COUNTER"}, {"VALUE", Align::kRight}}};
  if (!data.is_object()) {
    throw ReplyShapeError(std::string("show stats: expected an object, got ") + data.type_name());
  }
  std::vector<Row> rows;
  json rest = data;
  std::string out;
  if (const auto it = rest.find("messages"); it != rest.end() && it->is_object()) {
    out = render_messages(*it) + "\n";
    rest.erase(it);  // per port: `show ports --json`
  }
  flatten(rest, "", rows);
  return out + render_table(kColumns, rows);
}

namespace {

// Router ports of a VLAN ({"ipv4": [...], "ipv6": [...]}), each port once: "uplink" when it is
// a router port of both families, "h3(ipv6)" when of one only.
std::string format_router_ports(const json& by_family) {
  if (!by_family.is_object()) return format_value(by_family);
  const json& v4 = field(by_family, "ipv4");
  const json& v6 = field(by_family, "ipv6");
  const auto has = [](const json& list, const json& port) {
    return list.is_array() && std::find(list.begin(), list.end(), port) != list.end();
  };
  std::string out;
  const auto add = [&](const json& port, const char* only) {
    if (!out.empty()) out += ',';
    out += format_value(port) + only;
  };
  if (v4.is_array()) {
    for (const json& p : v4) add(p, has(v6, p) ? "" : "(ipv4)");
  }
  if (v6.is_array()) {
    for (const json& p : v6) {
      if (!has(v4, p)) add(p, "(ipv6)");
    }
  }
  return out.empty() ? kAbsent : out;
}

}  // namespace

std::string render_vlans(const json& data) {
  static const std::array<Column, 9> kColumns = {{{"VLAN", Align::kRight},
                                                  {"SNOOPING"},
                                                  {"MLD"},
                                                  {"UNREGISTERED"},
                                                  {"QUERIER (IPV4)"},
                                                  {"QUERIER (IPV6)"},
                                                  {"ROUTER PORTS"},
                                                  {"GROUPS", Align::kRight},
                                                  {"MEMBERS"}}};
  std::vector<Row> rows;
  for (const json& v : rows_of(data, "show vlans")) {
    const json& querier = field(v, "querier");
    auto who = [&](const char* fam) -> std::string {
      if (!querier.is_object()) return kAbsent;
      const json& q = field(querier, fam);
      if (!q.is_object()) return kAbsent;
      const std::string addr = format_value(field(q, "querier"));
      return field(q, "self") == true ? addr + " (self)" : addr;
    };
    // Tagged members are marked, as on a switch's VLAN table.
    std::string members;
    const json& tagged = field(v, "tagged");
    for (const json& m : field(v, "members").is_array() ? field(v, "members") : json::array()) {
      if (!members.empty()) members += ',';
      members += format_value(m);
      if (tagged.is_array() && std::find(tagged.begin(), tagged.end(), m) != tagged.end()) members += "(t)";
    }
    rows.push_back({format_value(field(v, "id")), format_value(field(v, "snooping")), format_value(field(v, "mld")),
                    format_value(field(v, "unregistered")), who("ipv4"), who("ipv6"),
                    format_router_ports(field(v, "router_ports")),
                    format_against_limit(field(v, "groups"), field(v, "max_groups")),
                    members.empty() ? kAbsent : members});
  }
  return render_table(kColumns, rows);
}

std::string render_mac(const json& data) {
  static const std::array<Column, 4> kColumns = {
      {{"VLAN", Align::kRight}, {"MAC"}, {"PORT"}, {"AGE", Align::kRight}}};
  std::vector<Row> rows;
  for (const json& m : rows_of(data, "show mac")) {
    rows.push_back({format_value(field(m, "vlan")), format_value(field(m, "mac")), format_value(field(m, "port")),
                    format_expires(field(m, "age_s"))});
  }
  return render_table(kColumns, rows);
}

std::string render_version(const json& data) {
  if (!data.is_object()) {
    throw ReplyShapeError(std::string("show version: expected an object, got ") + data.type_name());
  }
  static const std::array<Column, 2> kColumns = {{{"FIELD"}, {"VALUE"}}};
  std::vector<Row> rows;
  rows.push_back({"version", format_value(field(data, "version"))});
  rows.push_back({"uptime", format_expires(field(data, "uptime_s"))});
  rows.push_back({"config", format_value(field(data, "config"))});
  rows.push_back({"dpdk", format_value(field(data, "dpdk"))});
  return render_table(kColumns, rows);
}

std::string render_clear(std::string_view topic, const json& data) {
  if (topic == "groups") {
    return "cleared " + format_value(field(data, "removed")) + " membership(s); " +
           format_value(field(data, "queries_sent")) + " general quer" +
           (field(data, "queries_sent") == 1 ? "y" : "ies") + " sent\n";
  }
  return "counters cleared\n";
}

}  // namespace mcsnoop::ctl
