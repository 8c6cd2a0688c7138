#include "ctl/views.hpp"

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

std::string render_groups(const json& data) {
  static const std::array<Column, 6> kColumns = {{{"VLAN", Align::kRight},
                                                  {"GROUP"},
                                                  {"SOURCE"},
                                                  {"MODE"},
                                                  {"PORTS"},
                                                  {"EXPIRES", Align::kRight}}};
  std::vector<Row> rows;
  for (const json& g : rows_of(data, "show groups")) {
    const json& source = field(g, "source");
    rows.push_back({format_value(field(g, "vlan")), format_value(field(g, "group")),
                    source.is_null() ? "*" : format_value(source), format_value(field(g, "mode")),
                    format_value(field(g, "ports")), format_expires(field(g, "expires_s"))});
  }
  return render_table(kColumns, rows);
}

std::string render_routers(const json& data) {
  static const std::array<Column, 5> kColumns = {
      {{"VLAN", Align::kRight}, {"FAMILY"}, {"PORT"}, {"KIND"}, {"EXPIRES", Align::kRight}}};
  std::vector<Row> rows;
  for (const json& r : rows_of(data, "show routers")) {
    rows.push_back({format_value(field(r, "vlan")), format_value(field(r, "family")),
                    format_value(field(r, "port")), format_value(field(r, "kind")),
                    format_expires(field(r, "expires_s"))});
  }
  return render_table(kColumns, rows);
}

std::string render_querier(const json& data) {
  static const std::array<Column, 6> kColumns = {{{"VLAN", Align::kRight},
                                                  {"FAMILY"},
                                                  {"QUERIER"},
                                                  {"SELF"},
                                                  {"VERSION"},
                                                  {"EXPIRES", Align::kRight}}};
  std::vector<Row> rows;
  for (const json& q : rows_of(data, "show querier")) {
    const json& family = field(q, "family");
    rows.push_back({format_value(field(q, "vlan")), format_value(family),
                    format_value(field(q, "querier")), format_value(field(q, "self")),
                    format_querier_version(family, field(q, "version")),
                    format_expires(field(q, "expires_s"))});
  }
  return render_table(kColumns, rows);
}

// A port BPDU guard has shut shows as such whatever its link does.
std::string format_port_link(const json& port) {
  if (field(port, "state") == "bpdu-guard-shut") return "shut (bpdu guard)";
  return format_link(field(port, "link"));
}

std::string render_ports(const json& data) {
  static const std::array<Column, 8> kColumns = {{{"NAME"},
                                                  {"LINK"},
                                                  {"RX", Align::kRight},
                                                  {"TX", Align::kRight},
                                                  {"IGMP", Align::kRight},
                                                  {"MACS", Align::kRight},
                                                  {"DROPS", Align::kRight},
                                                  {"DROP REASONS"}}};
  std::vector<Row> rows;
  for (const json& p : rows_of(data, "show ports")) {
    const json& drops = field(p, "drops");
    rows.push_back({format_value(field(p, "name")), format_port_link(p),
                    format_value(field(p, "rx_packets")), format_value(field(p, "tx_packets")),
                    format_value(field(p, "igmp_rx")), format_value(field(p, "macs")),
                    drops.is_object() ? std::to_string(total_drops(drops)) : kAbsent,
                    format_drop_reasons(drops)});
  }
  return render_table(kColumns, rows);
}

std::string render_stats(const json& data) {
  static const std::array<Column, 2> kColumns = {{{"COUNTER"}, {"VALUE", Align::kRight}}};
  if (!data.is_object()) {
    throw ReplyShapeError(std::string("show stats: expected an object, got ") + data.type_name());
  }
  std::vector<Row> rows;
  flatten(data, "", rows);
  return render_table(kColumns, rows);
}

}  // namespace mcsnoop::ctl
