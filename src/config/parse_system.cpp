// The sections about the process rather than the switch: dpdk, cores, mac_table, control,
// logging.
#include <algorithm>
#include <string>

#include "sections.hpp"
#include "text.hpp"

namespace mcsnoop::config::detail {
namespace {

// A section that is absent reads like an empty one: every key takes its default.
Field section_or_empty(const std::optional<Field>& f, std::string name, int line) {
  return f ? *f : Field{YAML::Node(YAML::NodeType::Null), std::move(name), line};
}

std::string lcore_list_text(const LcoreSet& set) {
  std::string out;
  for (unsigned i = 0; i < kMaxLcores; ++i) {
    if (!set.test(i)) continue;
    unsigned j = i;
    while (j + 1 < kMaxLcores && set.test(j + 1)) ++j;
    if (!out.empty()) out += ',';
    out += std::to_string(i);
    if (j > i) {
      out += '-';
      out += std::to_string(j);
    }
    i = j;
  }
  return out;
}

// Lcore role assignment with the checks every role shares: the lcore runs under the EAL, and
// no other role has it.
class LcoreAssigner {
 public:
  explicit LcoreAssigner(ParseState& st) : st_(st) {}

  bool assign(unsigned lcore, const std::string& path, int line) {
    if (st_.eal_lcores && !st_.eal_lcores->test(lcore)) {
      st_.diag.error(line, path,
                     cat("lcore ", std::to_string(lcore), " is not in the EAL lcore list (", st_.eal_lcores_text,
                          " in dpdk.eal_args enables ", lcore_list_text(*st_.eal_lcores), ")"));
      return false;
    }
    for (const auto& [other, other_path] : assigned_) {
      if (other == lcore) {
        st_.diag.error(line, path, "lcore " + std::to_string(lcore) + " is already assigned by " + other_path);
        return false;
      }
    }
    assigned_.emplace_back(lcore, path);
    return true;
  }

  // Reads a list of lcores; nullopt if the list itself or any item is bad.
  std::optional<std::vector<unsigned>> read_lcores(const Field& f) {
    auto items = read_list(f, st_.diag);
    if (!items) return std::nullopt;
    std::vector<unsigned> out;
    bool ok = true;
    for (const Field& item : *items) {
      auto lcore = read_number<unsigned>(item, st_.diag, 0, kMaxLcores - 1);
      if (lcore && assign(*lcore, item.path, item.line)) {
        out.push_back(*lcore);
      } else {
        ok = false;
      }
    }
    if (ok && out.empty()) {
      st_.diag.error(f.line, f.path, "needs at least one lcore");
      ok = false;
    }
    if (!ok) return std::nullopt;
    return out;
  }

 private:
  ParseState& st_;
  std::vector<std::pair<unsigned, std::string>> assigned_;
};

}  // namespace

void parse_dpdk(const std::optional<Field>& f, ParseState& st) {
  const Field section = section_or_empty(f, "dpdk", 1);
  MapReader map(section, st.diag);
  auto args_f = map.take("eal_args");
  map.finish();
  if (!args_f) return;
  auto items = read_list(*args_f, st.diag);
  if (!items) return;
  bool ok = true;
  std::vector<std::string>& args = st.cfg.dpdk.eal_args;
  for (const Field& item : *items) {
    if (!item.node.IsScalar()) {
      st.diag.error(item.line, item.path, "expected a string, got " + describe(item.node));
      ok = false;
      continue;
    }
    args.push_back(item.node.Scalar());
  }
  if (!ok) return;
  st.eal_no_pci = std::find(args.begin(), args.end(), "--no-pci") != args.end();
  EalLcores lcores = parse_eal_lcores(args);
  if (!lcores.error.empty()) {
    const Field& bad = (*items)[lcores.error_arg];
    st.diag.error(bad.line, bad.path, lcores.error);
    return;
  }
  st.eal_lcores = lcores.lcores;
  if (st.eal_lcores) {
    // Name the option as written, for errors about lcores outside it.
    for (size_t i = 0; i < args.size(); ++i) {
      const std::string& a = args[i];
      if ((a == "-l" || a == "-c" || a == "--lcores") && i + 1 < args.size()) {
        st.eal_lcores_text = a + " " + args[i + 1];
      } else if (a.starts_with("-l") || a.starts_with("-c") || a.starts_with("--lcores=")) {
        st.eal_lcores_text = a;
      } else {
        continue;
      }
      break;
    }
  }
}

void parse_cores(const std::optional<Field>& f, const Field& root, ParseState& st) {
  const Field section = section_or_empty(f, "cores", root.line);
  MapReader map(section, st.diag);
  auto control_f = map.take("control");
  auto workers_f = map.take("workers");
  auto rx_f = map.take("rx");
  auto tx_f = map.take("tx");
  map.finish();

  Cores& cores = st.cfg.cores;
  LcoreAssigner assigner(st);

  if (control_f) {
    if (auto c = read_number<unsigned>(*control_f, st.diag, 0, kMaxLcores - 1)) {
      cores.control = *c;
      assigner.assign(*c, control_f->path, control_f->line);
    }
  } else {
    // The EAL runs main() on the first lcore of its list; the control plane lives there.
    cores.control = 0;
    if (st.eal_lcores && st.eal_lcores->any()) {
      while (!st.eal_lcores->test(cores.control)) ++cores.control;
    }
    assigner.assign(cores.control, "cores.control", section.line);
  }

  if (workers_f && (rx_f || tx_f)) {
    const Field& extra = rx_f ? *rx_f : *tx_f;
    st.diag.error(extra.line, extra.path,
                  "give either cores.workers (run-to-completion) or cores.rx and cores.tx (split roles), not both");
    return;
  }
  if (rx_f.has_value() != tx_f.has_value()) {
    const Field& given = rx_f ? *rx_f : *tx_f;
    st.diag.error(given.line, given.path, "split roles need both cores.rx and cores.tx");
    return;
  }
  if (workers_f) {
    if (auto w = assigner.read_lcores(*workers_f)) cores.workers = std::move(*w);
    return;
  }
  if (rx_f) {
    if (auto rx = assigner.read_lcores(*rx_f)) cores.rx = std::move(*rx);
    if (auto tx = assigner.read_lcores(*tx_f)) cores.tx = std::move(*tx);
    // Each RX lcore feeds one TX lcore (RX lcore w -> TX lcore w % n_tx): a TX lcore beyond the
    // RX count would have no input and spin for nothing.
    if (!cores.rx.empty() && cores.tx.size() > cores.rx.size()) {
      st.diag.error(tx_f->line, tx_f->path,
                    std::to_string(cores.tx.size()) + " TX lcores for " + std::to_string(cores.rx.size()) +
                        " RX lcores: each TX lcore serves whole RX lcores, so give at most as many TX as RX");
    }
    return;
  }

  // No worker roles given: every other EAL lcore becomes a run-to-completion worker.
  if (st.eal_lcores) {
    for (unsigned i = 0; i < kMaxLcores; ++i) {
      if (st.eal_lcores->test(i) && i != cores.control) cores.workers.push_back(i);
    }
    if (cores.workers.empty()) {
      st.diag.error(section.line, "cores.workers",
                    "no lcore left for workers: the EAL lcore list (" + st.eal_lcores_text +
                        ") holds only the control lcore; add lcores there or set cores.workers");
    }
  } else {
    cores.workers.push_back(cores.control == 0 ? 1 : 0);
  }
}

void parse_mac_table(const std::optional<Field>& f, ParseState& st) {
  const Field section = section_or_empty(f, "mac_table", 1);
  MapReader map(section, st.diag);
  MacTable& mt = st.cfg.mac_table;
  if (auto s = map.take("size")) {
    if (auto v = read_number<uint32_t>(*s, st.diag, 1, kMaxTableSize)) mt.size = *v;
  }
  if (auto a = map.take("aging_time")) {
    if (auto v = read_duration(*a, st.diag, std::chrono::seconds(1), std::chrono::seconds(1'000'000))) {
      mt.aging_time = *v;
    }
  }
  if (auto m = map.take("move_limit")) {
    if (auto v = read_number<uint32_t>(*m, st.diag, 1, 1'000'000)) mt.move_limit = *v;
  }
  map.finish();
}

void parse_control(const std::optional<Field>& f, ParseState& st) {
  const Field section = section_or_empty(f, "control", 1);
  MapReader map(section, st.diag);
  if (auto s = map.take("socket")) {
    if (auto path = read_string(*s, st.diag)) {
      // sockaddr_un::sun_path holds 108 bytes including the terminating NUL.
      constexpr size_t kMaxSocketPath = 107;
      if (path->size() > kMaxSocketPath) {
        st.diag.error(s->line, s->path,
                      "socket path is " + std::to_string(path->size()) + " bytes; a Unix socket path holds at most " +
                          std::to_string(kMaxSocketPath));
      } else {
        st.cfg.control.socket = std::move(*path);
      }
    }
  }
  map.finish();
}

void parse_logging(const std::optional<Field>& f, ParseState& st) {
  static constexpr std::pair<std::string_view, LogLevel> kLevels[] = {
      {"trace", LogLevel::Trace}, {"debug", LogLevel::Debug}, {"info", LogLevel::Info},
      {"warn", LogLevel::Warn},   {"error", LogLevel::Error}};
  const Field section = section_or_empty(f, "logging", 1);
  MapReader map(section, st.diag);
  if (auto l = map.take("level")) {
    if (auto v = read_enum(*l, st.diag, kLevels)) st.cfg.logging.level = *v;
  }
  if (auto file = map.take("file")) {
    if (auto v = read_string(*file, st.diag)) st.cfg.logging.file = std::move(*v);
  }
  map.finish();
}

}  // namespace mcsnoop::config::detail
