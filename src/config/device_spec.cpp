// Device string parsing (mcsnoop/config/device_spec.hpp).
#include "mcsnoop/config/device_spec.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <numeric>
#include <optional>

#include "text.hpp"

namespace mcsnoop::config {
namespace {

using detail::cat;
using detail::quoted;

// Devargs whose value names a Linux network interface (net_af_packet, net_pcap, net_tap).
constexpr std::string_view kInterfaceArgs[] = {"iface", "rx_iface", "rx_iface_in", "tx_iface"};
// Devargs whose value names a pcap file (net_pcap).
constexpr std::string_view kFileArgs[] = {"rx_pcap", "tx_pcap"};

bool is_hex(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  });
}

std::optional<unsigned long> hex_number(std::string_view s, size_t max_digits) {
  if (!is_hex(s) || s.size() > max_digits) return std::nullopt;
  unsigned long v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v, 16);
  return v;
}

// "[DOMAIN:]BUS:DEV.FN" -> "dddd:bb:dd.f", as DPDK's PCI bus accepts and prints it.
std::optional<std::string> normalise_pci(std::string_view s) {
  const size_t dot = s.rfind('.');
  if (dot == std::string_view::npos) return std::nullopt;
  const auto fn = hex_number(s.substr(dot + 1), 1);
  std::string_view head = s.substr(0, dot);
  const size_t c2 = head.rfind(':');
  if (c2 == std::string_view::npos) return std::nullopt;
  const auto dev = hex_number(head.substr(c2 + 1), 2);
  head = head.substr(0, c2);
  const size_t c1 = head.rfind(':');
  const auto bus = hex_number(c1 == std::string_view::npos ? head : head.substr(c1 + 1), 2);
  const auto domain = c1 == std::string_view::npos ? std::optional<unsigned long>(0)
                                                   : hex_number(head.substr(0, c1), 8);
  if (!fn || !dev || !bus || !domain || *fn > 7 || *dev > 0x1f) return std::nullopt;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04lx:%02lx:%02lx.%lx", *domain, *bus, *dev, *fn);
  return std::string(buf);
}

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// Splits devargs at commas outside brackets ("representor=[0,1],x=y").
std::optional<std::vector<std::string_view>> split_args(std::string_view s) {
  std::vector<std::string_view> out;
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || (s[i] == ',' && depth == 0)) {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    } else if (s[i] == '[') {
      ++depth;
    } else if (s[i] == ']') {
      if (--depth < 0) return std::nullopt;
    }
  }
  if (depth != 0) return std::nullopt;
  return out;
}

// A key as rte_kvargs delimits it: anything but the separators and list brackets.
bool is_key_char(char c) {
  return c > ' ' && c < 0x7f && c != ',' && c != '=' && c != '[' && c != ']';
}

// One non-empty pair, "key", "key=" or "key=value".
std::variant<DeviceArg, std::string> parse_arg(std::string_view arg) {
  const size_t eq = arg.find('=');
  const std::string_view key = arg.substr(0, eq);
  if (key.empty()) return "bad device argument " + quoted(arg) + " (no key before '=')";
  if (!std::all_of(key.begin(), key.end(), is_key_char)) {
    return "bad device argument " + quoted(arg) + " (a key has no '[', ']' or control characters)";
  }
  DeviceArg out{std::string(key), std::nullopt};
  if (eq == std::string_view::npos) return out;
  const std::string_view value = arg.substr(eq + 1);
  if (value.find('=') != std::string_view::npos) {
    return "bad device argument " + quoted(arg) +
           " (a value cannot contain '=': DPDK would take the text after the last '=' as the key)";
  }
  out.value = std::string(value);
  return out;
}

void add_claim(std::vector<std::string>& claims, std::string claim) {
  if (std::find(claims.begin(), claims.end(), claim) == claims.end()) claims.push_back(std::move(claim));
}

}  // namespace

std::variant<DeviceSpec, std::string> parse_device(std::string_view text) {
  if (text.find_first_of(" \t") != std::string_view::npos) {
    return std::string("a device string has no spaces (e.g. 0000:03:00.0 or net_pcap0,iface=eth1)");
  }
  const size_t comma = text.find(',');
  const std::string_view name = text.substr(0, comma);
  DeviceSpec spec;
  if (name.find(':') != std::string_view::npos) {
    auto pci = normalise_pci(name);
    if (!pci) {
      return quoted(name) + " is not a PCI address (expected DOMAIN:BUS:DEV.FN such as 0000:03:00.0)";
    }
    spec.kind = DeviceSpec::Kind::Pci;
    spec.name = *pci;
    spec.claims.push_back(cat("PCI device ", spec.name));
  } else {
    if (name.empty() || !((name[0] >= 'a' && name[0] <= 'z') || (name[0] >= 'A' && name[0] <= 'Z')) ||
        !std::all_of(name.begin(), name.end(), is_name_char)) {
      return quoted(name) +
             " is neither a PCI address nor a vdev name (letters, digits and '_', e.g. net_pcap0)";
    }
    spec.kind = DeviceSpec::Kind::Vdev;
    spec.name = std::string(name);
    spec.claims.push_back(cat("vdev ", spec.name));
  }
  if (comma == std::string_view::npos) return spec;

  const auto args = split_args(text.substr(comma + 1));
  if (!args) return std::string("unbalanced brackets in the device arguments");
  for (std::string_view arg : *args) {
    if (arg.empty()) continue;  // "a=1,,b=2" or a trailing comma: rte_kvargs skips it
    auto parsed = parse_arg(arg);
    if (auto* why = std::get_if<std::string>(&parsed)) return *why;
    DeviceArg& a = spec.args.emplace_back(std::move(std::get<DeviceArg>(parsed)));
    if (spec.args.size() > kMaxDeviceArgs) {
      return "more than " + std::to_string(kMaxDeviceArgs) + " device arguments (DPDK's limit)";
    }
    if (!a.value) continue;  // a bare key (a flag)
    const bool names_interface =
        std::find(std::begin(kInterfaceArgs), std::end(kInterfaceArgs), a.key) != std::end(kInterfaceArgs);
    const bool names_file = std::find(std::begin(kFileArgs), std::end(kFileArgs), a.key) != std::end(kFileArgs);
    if ((names_interface || names_file) && a.value->empty()) {
      return "device argument " + quoted(a.key) + " has no value";
    }
    if (names_interface) add_claim(spec.claims, cat("interface ", *a.value));
    if (names_file) add_claim(spec.claims, cat("pcap file ", *a.value));
  }
  return spec;
}

}  // namespace mcsnoop::config

namespace mcsnoop::config {

bool looks_like_kernel_interface(const DeviceSpec& spec) {
  return spec.kind == DeviceSpec::Kind::Vdev && spec.args.empty() &&
         spec.name.find('_') == std::string::npos;
}

}  // namespace mcsnoop::config

namespace mcsnoop::config {
namespace {

constexpr std::string_view kRingArgs[] = {"framesz", "blocksz", "framecnt"};

uint32_t round_up(uint32_t v, uint32_t to) { return (v + to - 1) / to * to; }

}  // namespace

const DeviceArg* find_arg(const DeviceSpec& spec, std::string_view key) {
  auto it = std::find_if(spec.args.begin(), spec.args.end(), [&](const DeviceArg& a) { return a.key == key; });
  return it == spec.args.end() ? nullptr : &*it;
}

std::optional<std::string> af_packet_ring_problem(const DeviceSpec& spec, uint32_t page_size) {
  if (!is_af_packet(spec) || (find_arg(spec, "framesz") == nullptr && find_arg(spec, "blocksz") == nullptr)) {
    return std::nullopt;
  }
  const uint32_t frame = af_packet_frame_size(spec);
  uint32_t block = page_size;
  if (const DeviceArg* a = find_arg(spec, "blocksz"); a != nullptr && a->value) {
    auto [end, ec] = std::from_chars(a->value->data(), a->value->data() + a->value->size(), block);
    if (ec != std::errc() || end != a->value->data() + a->value->size()) block = 0;
  }
  if (frame == 0 || block == 0) return std::nullopt;  // the PMD refuses these itself, at probe
  if (block % frame == 0) return std::nullopt;
  return "net_af_packet's blocksz (" + std::to_string(block) + (find_arg(spec, "blocksz") ? "" : ", the page size") +
         ") must be a multiple of its framesz (" + std::to_string(frame) +
         "): the driver finds frame i at i * framesz, the kernel starts each block afresh, so it would stop "
         "receiving after the first block";
}

bool is_af_packet(const DeviceSpec& spec) {
  return spec.kind == DeviceSpec::Kind::Vdev &&
         (spec.name.starts_with("net_af_packet") || spec.name.starts_with("eth_af_packet"));
}

uint32_t af_packet_frame_size(const DeviceSpec& spec) {
  const DeviceArg* a = find_arg(spec, "framesz");
  if (a == nullptr) return kAfPacketDefaultFrameSize;
  if (!a->value) return 0;
  uint32_t v = 0;
  const std::string& s = *a->value;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && end == s.data() + s.size() ? v : 0;
}

// Ethernet header and two VLAN tags (no FCS: the kernel hands frames over without it).
uint32_t af_packet_frame_size_for(uint16_t mtu) { return round_up(kAfPacketRxOffset + mtu + 14 + 2 * 4, 16); }

std::optional<std::string> device_for_mtu(const std::string& device, uint16_t mtu, uint32_t page_size,
                                          std::string* err) {
  const auto parsed = parse_device(device);
  const auto* spec = std::get_if<DeviceSpec>(&parsed);
  if (spec == nullptr || !is_af_packet(*spec)) return device;
  const uint32_t need = af_packet_frame_size_for(mtu);
  const uint32_t have = af_packet_frame_size(*spec);
  if (have >= need) return device;
  const bool ring_given = std::any_of(std::begin(kRingArgs), std::end(kRingArgs),
                                      [&](std::string_view k) { return find_arg(*spec, k) != nullptr; });
  if (ring_given) {
    *err = "mtu " + std::to_string(mtu) + " needs af_packet ring frames of at least " + std::to_string(need) +
           " bytes, but the device string sets framesz=" + std::to_string(have) +
           " (raise framesz, with blocksz a multiple of it, or leave framesz, blocksz and framecnt out: "
           "mcsnoop then sizes the ring for the MTU)";
    return std::nullopt;
  }
  // The PMD addresses slot i at i * framesz (rte_eth_af_packet.c, rd[i].iov_base) while the
  // kernel starts every block afresh, so a block must hold a whole number of slots; slots of
  // a multiple of 1 KiB keep the block within four pages.
  const uint32_t frame = round_up(need, 1024);
  const uint32_t block = frame / std::gcd(frame, page_size) * page_size;  // lcm(frame, page_size)
  const uint32_t per_block = block / frame;
  const uint32_t count = std::max(per_block, kAfPacketDefaultFrameCount / per_block * per_block);
  std::string out = device;
  if (out.back() != ',') out += ',';  // "net_af_packet0,iface=x," : rte_kvargs skips empty pairs anyway
  return out + "framesz=" + std::to_string(frame) + ",blocksz=" + std::to_string(block) +
         ",framecnt=" + std::to_string(count);
}

}  // namespace mcsnoop::config
