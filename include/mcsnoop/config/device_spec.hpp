// Reading a port's `device` string: a PCI address or a DPDK vdev spec, with its devargs.
//
// The loader uses it to refuse two ports that would open the same device or the same host
// resource (a Linux interface behind net_af_packet/net_pcap/net_tap, a pcap file), which DPDK
// would otherwise report late and obscurely, or not at all; the app uses it to put PCI ports on
// the EAL allow list.
//
// Device arguments follow DPDK's rte_kvargs (22.11): pairs separated by commas outside square
// brackets, each `key=value` or a bare `key`; empty pairs are ignored; a key is any run of
// characters other than `,` `=` `[` `]` and white space (so hyphenated keys such as `no-rx`
// are fine); a value may hold bracketed lists with commas (`representor=[0,1-3]`). Refused,
// although rte_kvargs tokenises them, because no PMD could mean them: an empty key (`=x`),
// an `=` inside a value (rte_kvargs would silently take the text after the last `=` as the
// key), unbalanced brackets, more than 32 pairs (RTE_KVARGS_MAX; rte_kvargs fails).
//
// Thread safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace mcsnoop::config {

// One device argument, as rte_kvargs would hand it to the PMD.
struct DeviceArg {
  std::string key;
  std::optional<std::string> value;  // nullopt for a bare key (`persist`)
  bool operator==(const DeviceArg&) const = default;
};

struct DeviceSpec {
  enum class Kind { Pci, Vdev };
  Kind kind = Kind::Vdev;
  std::string name;  // normalised PCI address (0000:03:00.0) or the vdev name (net_pcap0)
  std::vector<DeviceArg> args;
  // Host resources the device holds exclusively, spelled for people ("PCI device 0000:03:00.0",
  // "vdev net_pcap0", "interface sw-h1", "pcap file /tmp/in.pcap"): no two ports may share one.
  std::vector<std::string> claims;
};

inline constexpr size_t kMaxDeviceArgs = 32;  // RTE_KVARGS_MAX

// The spec, or a sentence saying what is wrong with `text`.
std::variant<DeviceSpec, std::string> parse_device(std::string_view text);

// True when a device name without arguments looks like a Linux interface name (eth1, ens1f0,
// enp3s0, eno1, wlan0) rather than a DPDK device: DPDK's vdev drivers are all named with an
// underscore (net_pcap, net_af_packet, eth_ring), kernel interface names usually have none.
bool looks_like_kernel_interface(const DeviceSpec& spec);

// ---- net_af_packet and the MTU ---------------------------------------------------------------
// net_af_packet (DPDK 22.11) moves every frame through a kernel packet ring (TPACKET_V2) whose
// slots are `framesz` bytes (default 2048, in blocks of `blocksz`, default one page): a received
// frame starts 66 bytes into its slot and is cut at the slot's end, a sent one may be at most
// framesz - 32 bytes, and the PMD copies each received slot into one mbuf (no chains). So a port
// whose MTU is larger than the default slots hold needs larger slots, and mbufs to match.

inline constexpr uint32_t kAfPacketDefaultFrameSize = 2048;  // DFLT_FRAME_SIZE
inline constexpr uint32_t kAfPacketDefaultFrameCount = 512;  // DFLT_FRAME_COUNT
// Bytes of a slot before a received frame (tpacket2_hdr, sockaddr_ll, alignment) and before a
// sent one (TPACKET2_HDRLEN - sizeof(sockaddr_ll)); the PMD's RX copy needs framesz - 32 bytes
// of mbuf data room.
inline constexpr uint32_t kAfPacketRxOffset = 66;
inline constexpr uint32_t kAfPacketTxOffset = 32;

// For an af_packet device string that sets its ring: a sentence when the PMD would misread it,
// else nullopt. The PMD finds slot i at i * framesz while the kernel starts every block
// (blocksz, default one page: `page_size`) afresh, so a block that is not a whole number of
// slots stalls RX after the first block's frames without an error.
std::optional<std::string> af_packet_ring_problem(const DeviceSpec& spec, uint32_t page_size);
// The argument `key` of the device string, or null.
const DeviceArg* find_arg(const DeviceSpec& spec, std::string_view key);
// True for a net_af_packet device (also spelled eth_af_packet).
bool is_af_packet(const DeviceSpec& spec);
// The slot size (framesz) of an af_packet device: its framesz argument, or the default. 0 when
// the argument is not a positive number (the PMD refuses it too).
uint32_t af_packet_frame_size(const DeviceSpec& spec);
// The least framesz whose slots hold a frame of `mtu` with two VLAN tags (a multiple of 16, as
// the kernel wants).
uint32_t af_packet_frame_size_for(uint16_t mtu);
// The device string to probe for a port of `mtu`. Unchanged for every device but net_af_packet,
// and for one whose slots already hold the MTU's frames. An af_packet device string that leaves
// the ring to the PMD (no framesz, blocksz or framecnt) gets them appended: framesz for the MTU
// rounded up to 1 KiB, blocksz the least multiple of both framesz and `page_size` (the PMD
// expects the slots back to back across blocks), framecnt a multiple of the slots per block
// (the kernel's rule), about 512. One that sets the ring itself with slots too small for `mtu` is an error:
// nullopt, and a sentence in *err.
std::optional<std::string> device_for_mtu(const std::string& device, uint16_t mtu, uint32_t page_size,
                                          std::string* err);

}  // namespace mcsnoop::config
