// The EAL allow list from the configured ports (eal_devices.hpp).
#include "eal_devices.hpp"

#include <string_view>

#include "mcsnoop/config/device_spec.hpp"

namespace mcsnoop::app {
namespace {

// An EAL option that chooses devices itself, as written (separate or attached value).
bool chooses_devices(std::string_view a) {
  for (std::string_view opt : {"--allow", "--block", "--pci-whitelist", "--pci-blacklist"}) {
    if (a == opt || (a.starts_with(opt) && a.size() > opt.size() && a[opt.size()] == '=')) return true;
  }
  if (a == "--no-pci") return true;
  // Short forms: -a, -b, -w, alone or with the value attached (-a0000:03:00.0).
  return a.size() >= 2 && a[0] == '-' && (a[1] == 'a' || a[1] == 'b' || a[1] == 'w');
}

const std::string* user_device_option(const config::Config& cfg, const std::vector<std::string>& extra) {
  for (const auto* list : {&cfg.dpdk.eal_args, &extra}) {
    for (const std::string& a : *list) {
      if (chooses_devices(a)) return &a;
    }
  }
  return nullptr;
}

}  // namespace

EalDeviceArgs eal_device_args(const config::Config& cfg, const std::vector<std::string>& extra) {
  EalDeviceArgs out;
  if (const std::string* opt = user_device_option(cfg, extra)) {
    out.note = "EAL device list left as given (" + *opt + " in the EAL arguments): no -a added for PCI ports";
    return out;
  }
  std::string added;
  for (size_t i = 0; i < cfg.ports.size(); ++i) {
    const auto spec = config::parse_device(cfg.ports[i].device);
    const auto* dev = std::get_if<config::DeviceSpec>(&spec);
    if (dev == nullptr || dev->kind != config::DeviceSpec::Kind::Pci) continue;
    out.args.push_back("-a");
    out.args.push_back(cfg.ports[i].device);
    added += (added.empty() ? "" : ", ") + dev->name + " (ports[" + std::to_string(i) + "])";
  }
  if (out.args.empty()) {
    out.args.push_back("--no-pci");
    out.note = "EAL: --no-pci added (no port is a PCI device, so the EAL claims none of the host's NICs)";
  } else {
    out.note = "EAL allow list: " + added;
  }
  return out;
}

}  // namespace mcsnoop::app
