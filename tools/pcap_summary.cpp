// pcap_summary: what went into a switch and what came out, per port, in words; then a verdict
// that checks every input frame's copies against an RFC 4541 model (delivery_oracle.hpp).
//
//   pcap_summary [--unregistered flood|router-ports|drop]
//                --port NAME --rx FILE [--rx FILE...] --tx FILE   [--port ...]
//
// For each port, --rx names the pcaps of what the port's device sent into the switch and --tx
// the pcap of what the switch sent out of it. All ports are taken to be access ports of one
// VLAN. Input frames are put in time order by their pcap timestamps (so each --rx file must be
// stamped in the order it was sent); a tx frame is matched to the input frame with identical
// bytes, which is exact for a switch that forwards access-port frames unchanged.
//
// Exit status: 0 when every checked flow went exactly where the model says, 1 when any did not,
// 2 on a usage or file error.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "delivery_oracle.hpp"
#include "frame_facts.hpp"
#include "mcsnoop/net/pcap_file.hpp"
#include "text.hpp"

namespace {

using namespace mcsnoop;
using namespace mcsnoop::tools;

// A frame's bytes as a hashable key.
using FrameKey = std::string;
FrameKey key_of(const std::vector<uint8_t>& frame) { return FrameKey(frame.begin(), frame.end()); }

struct PortFiles {
  std::string name;
  std::vector<std::string> rx;
  std::string tx;
};

struct Args {
  std::vector<PortFiles> ports;
  UnregisteredPolicy policy = UnregisteredPolicy::Flood;
};

// One frame a port's device sent into the switch.
struct Input {
  uint64_t ts_ns;
  PortId port;
  size_t order;  // position among all inputs as read, to keep equal timestamps stable
  FrameKey bytes;
  FrameFacts facts;
};

// The frames of a tx pcap as a multiset, so each input frame can claim its copies.
using Multiset = std::unordered_map<FrameKey, unsigned>;

constexpr const char* kUsage =
    "usage: pcap_summary [--unregistered flood|router-ports|drop]\n"
    "                    --port NAME --rx FILE [--rx FILE...] --tx FILE  [--port ...]\n";

std::optional<Args> parse_args(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string_view opt = argv[i];
    if (i + 1 >= argc) return std::nullopt;
    const std::string value = argv[++i];
    if (opt == "--port") {
      a.ports.push_back(PortFiles{value, {}, {}});
    } else if (opt == "--unregistered") {
      if (value == "flood") a.policy = UnregisteredPolicy::Flood;
      else if (value == "router-ports") a.policy = UnregisteredPolicy::RouterPorts;
      else if (value == "drop") a.policy = UnregisteredPolicy::Drop;
      else return std::nullopt;
    } else if (opt == "--rx" && !a.ports.empty()) {
      a.ports.back().rx.push_back(value);
    } else if (opt == "--tx" && !a.ports.empty() && a.ports.back().tx.empty()) {
      a.ports.back().tx = value;
    } else {
      return std::nullopt;
    }
  }
  if (a.ports.empty() || a.ports.size() > kMaxPorts) return std::nullopt;
  for (const PortFiles& p : a.ports)
    if (p.tx.empty()) return std::nullopt;
  return a;
}

bool load(const std::string& path, std::vector<net::PcapRecord>& out) {
  std::string err;
  out = net::read_pcap(path, &err);
  if (!err.empty()) {
    std::fprintf(stderr, "pcap_summary: %s: %s\n", path.c_str(), err.c_str());
    return false;
  }
  return true;
}

std::string pad(std::string s, size_t width) {
  if (s.size() < width) s.resize(width, ' ');
  return s;
}

// Distinct lines in order of first appearance, each with its count.
class Tally {
 public:
  void add(const std::string& line) {
    const auto [it, fresh] = index_.try_emplace(line, rows_.size());
    if (fresh) rows_.push_back({line, 0});
    ++rows_[it->second].second;
  }
  const std::vector<std::pair<std::string, unsigned>>& rows() const { return rows_; }

 private:
  std::map<std::string, size_t> index_;
  std::vector<std::pair<std::string, unsigned>> rows_;
};

void print_ports(const Args& a, const std::vector<Input>& inputs,
                 const std::vector<std::vector<net::PcapRecord>>& tx,
                 const std::unordered_map<FrameKey, PortId>& origin) {
  std::printf("Per port: rx = what the device on the port sent into the switch,\n"
              "          tx = what the switch sent out of the port\n");
  for (PortId p = 0; p < a.ports.size(); ++p) {
    Tally rx_lines, tx_lines;
    std::map<std::string, std::string> from;
    for (const Input& in : inputs)
      if (in.port == p) rx_lines.add(in.facts.text);
    for (const net::PcapRecord& r : tx[p]) {
      const std::string text = read_frame(r.data).text;
      const auto o = origin.find(key_of(r.data));
      const std::string key = text + '\0' + (o == origin.end() ? "" : a.ports[o->second].name);
      tx_lines.add(key);
    }
    size_t width = 0;
    for (const auto& [line, n] : tx_lines.rows()) width = std::max(width, line.find('\0'));
    std::printf("\n%s\n", a.ports[p].name.c_str());
    for (const auto& [line, n] : rx_lines.rows()) std::printf("  rx %4u  %s\n", n, line.c_str());
    for (const auto& [key, n] : tx_lines.rows()) {
      const size_t cut = key.find('\0');
      const std::string who = key.substr(cut + 1);
      std::printf("  tx %4u  %s  %s\n", n, pad(key.substr(0, cut), width).c_str(),
                  who.empty() ? "(built by the switch)" : cat("(from ", who, ")").c_str());
    }
    if (rx_lines.rows().empty() && tx_lines.rows().empty()) std::printf("  (no frames)\n");
  }
}

struct Flow {
  PortId in;
  std::string text;
  std::optional<Expectation> expected;
  unsigned sent = 0;
  std::vector<unsigned> delivered;  // per port
};

std::string delivered_text(const Args& a, const Flow& f) {
  std::string out;
  for (PortId p = 0; p < a.ports.size(); ++p) {
    if (f.delivered[p] == 0) continue;
    if (!out.empty()) out += ' ';
    out += a.ports[p].name;
    if (f.delivered[p] != f.sent)
      out += cat("(", std::to_string(f.delivered[p]), " of ", std::to_string(f.sent), ")");
  }
  return out.empty() ? "nowhere" : out;
}

bool flow_ok(const Flow& f) {
  for (PortId p = 0; p < f.delivered.size(); ++p)
    if (f.delivered[p] != (f.expected->ports.test(p) ? f.sent : 0)) return false;
  return true;
}

// Returns whether every checked flow matched the model.
bool print_verdict(const Args& a, const std::vector<Input>& inputs,
                   const std::vector<std::vector<net::PcapRecord>>& tx, std::vector<Multiset>& tx_left) {
  DeliveryOracle oracle([&] {
    std::vector<std::string> names;
    for (const PortFiles& p : a.ports) names.push_back(p.name);
    return names;
  }(), a.policy);

  std::vector<Flow> flows;
  std::map<std::string, size_t> flow_index;
  for (const Input& in : inputs) {
    const std::optional<Expectation> e = oracle.expect_then_observe(in.port, in.facts);
    const std::string key = std::to_string(in.port) + '\0' + in.facts.text + '\0' +
                            (e ? std::to_string(e->ports.bits()) + e->reason : "-");
    const auto [it, fresh] = flow_index.try_emplace(key, flows.size());
    if (fresh) flows.push_back(Flow{in.port, in.facts.text, e, 0, std::vector<unsigned>(a.ports.size())});
    Flow& f = flows[it->second];
    ++f.sent;
    for (PortId p = 0; p < a.ports.size(); ++p) {
      auto copy = tx_left[p].find(in.bytes);
      if (copy == tx_left[p].end()) continue;
      ++f.delivered[p];
      if (--copy->second == 0) tx_left[p].erase(copy);
    }
  }

  std::vector<std::vector<std::string>> table{{"FROM", "N", "FLOW", "RULE", "WENT TO", "RESULT"}};
  unsigned checked = 0, good = 0;
  for (const Flow& f : flows) {
    std::string result = "not checked";
    if (f.expected) {
      ++checked;
      const bool ok = flow_ok(f);
      good += ok;
      std::string want;
      f.expected->ports.for_each([&](PortId p) {
        if (!want.empty()) want += ' ';
        want += a.ports[p].name;
      });
      result = ok ? "ok" : cat("WRONG, expected ", want.empty() ? std::string("nowhere") : want);
    }
    table.push_back({a.ports[f.in].name, std::to_string(f.sent), f.text,
                     f.expected ? f.expected->reason : "no rule in the model", delivered_text(a, f), result});
  }
  std::vector<size_t> width(table[0].size());
  for (const auto& row : table)
    for (size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  std::printf("\nVerdict: where RFC 4541 says each flow must go (worked out from the rx pcaps) and\n"
              "where the switch sent its copies (found in the tx pcaps)\n\n");
  for (const auto& row : table) {
    std::string line = " ";
    for (size_t c = 0; c < row.size(); ++c) {
      line += ' ';
      // The count is right-aligned; the last column needs no padding.
      if (c == 1) line += std::string(width[c] - row[c].size(), ' ') + row[c];
      else line += c + 1 == row.size() ? row[c] : pad(row[c], width[c]);
      line += c + 1 < row.size() ? " " : "";
    }
    std::printf("%s\n", line.c_str());
  }
  // Whatever no input frame claimed, in capture order: extra copies of forwarded frames (wrong)
  // or frames the switch built itself, such as its own queries (listed, not judged).
  std::unordered_map<FrameKey, PortId> known;
  for (const Input& in : inputs) known.emplace(in.bytes, in.port);
  unsigned extra = 0;
  bool heading = false;
  for (PortId p = 0; p < a.ports.size(); ++p) {
    Tally left;
    for (const net::PcapRecord& r : tx[p]) {
      const auto it = tx_left[p].find(key_of(r.data));
      if (it == tx_left[p].end()) continue;
      if (--it->second == 0) tx_left[p].erase(it);
      const bool copy = known.count(key_of(r.data)) != 0;
      extra += copy;
      left.add(cat(copy ? "extra copy of " : "", read_frame(r.data).text,
                   copy ? "  WRONG" : "  (built by the switch)"));
    }
    for (const auto& [line, n] : left.rows()) {
      if (!heading) std::printf("\n  Frames the switch sent that no input frame accounts for:\n");
      heading = true;
      std::printf("  %s %4u  %s\n", pad(a.ports[p].name, width[0]).c_str(), n, line.c_str());
    }
  }
  const bool all_ok = good == checked && extra == 0;
  std::printf("\n%s: %u of %u flows went exactly where they should%s.\n", all_ok ? "PASS" : "FAIL", good,
              checked, extra ? ", but the switch sent extra copies" : "");
  return all_ok;
}

}  // namespace

int main(int argc, char** argv) {
  const std::optional<Args> args = parse_args(argc, argv);
  if (!args) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  const Args& a = *args;

  std::vector<Input> inputs;
  std::vector<std::vector<net::PcapRecord>> tx(a.ports.size());
  for (PortId p = 0; p < a.ports.size(); ++p) {
    for (const std::string& path : a.ports[p].rx) {
      std::vector<net::PcapRecord> recs;
      if (!load(path, recs)) return 2;
      for (net::PcapRecord& r : recs) {
        FrameFacts facts = read_frame(r.data);
        inputs.push_back(Input{r.ts_ns, p, inputs.size(), key_of(r.data), std::move(facts)});
      }
    }
    if (!load(a.ports[p].tx, tx[p])) return 2;
  }
  std::sort(inputs.begin(), inputs.end(), [](const Input& x, const Input& y) {
    return x.ts_ns != y.ts_ns ? x.ts_ns < y.ts_ns : x.order < y.order;
  });

  std::unordered_map<FrameKey, PortId> origin;
  for (const Input& in : inputs) origin.emplace(in.bytes, in.port);
  print_ports(a, inputs, tx, origin);

  std::vector<Multiset> tx_left(a.ports.size());
  for (PortId p = 0; p < a.ports.size(); ++p)
    for (const net::PcapRecord& r : tx[p]) ++tx_left[p][key_of(r.data)];
  return print_verdict(a, inputs, tx, tx_left) ? 0 : 1;
}
