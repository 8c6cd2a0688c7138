// pcap_replay: sends the frames of pcap files out of a Linux network interface, in file order,
// as fast as the kernel takes them (timestamps are not honoured: callers sequence phases
// themselves, as scripts/demo.sh does by waiting on the switch between files).
//
//   pcap_replay IFACE FILE...
//
// Uses a raw AF_PACKET socket, so it needs CAP_NET_RAW (root). Frames are sent unchanged; the
// kernel adds no header and computes no checksum. Exit status: 0 when every frame was sent,
// 1 on a send or file error, 2 on a usage error.
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "mcsnoop/net/pcap_file.hpp"

namespace {

// Owns a file descriptor.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fputs("usage: pcap_replay IFACE FILE...\n", stderr);
    return 2;
  }
  const char* iface = argv[1];
  const unsigned ifindex = if_nametoindex(iface);
  if (ifindex == 0) {
    std::fprintf(stderr, "pcap_replay: no interface %s: %s\n", iface, std::strerror(errno));
    return 1;
  }
  // Protocol 0: this socket only sends, so the kernel never queues received frames on it.
  const Fd sock(::socket(AF_PACKET, SOCK_RAW, 0));
  if (sock.get() < 0) {
    std::fprintf(stderr, "pcap_replay: cannot open a raw socket: %s (needs CAP_NET_RAW)\n",
                 std::strerror(errno));
    return 1;
  }
  sockaddr_ll to{};
  to.sll_family = AF_PACKET;
  to.sll_ifindex = static_cast<int>(ifindex);
  to.sll_halen = 6;

  for (int i = 2; i < argc; ++i) {
    std::string err;
    const std::vector<mcsnoop::net::PcapRecord> frames = mcsnoop::net::read_pcap(argv[i], &err);
    if (!err.empty()) {
      std::fprintf(stderr, "pcap_replay: %s: %s\n", argv[i], err.c_str());
      return 1;
    }
    for (size_t n = 0; n < frames.size(); ++n) {
      const auto& data = frames[n].data;
      if (data.size() < 14) {
        std::fprintf(stderr, "pcap_replay: %s: frame %zu is shorter than an Ethernet header\n", argv[i], n + 1);
        return 1;
      }
      std::memcpy(to.sll_addr, data.data(), 6);
      const ssize_t sent = ::sendto(sock.get(), data.data(), data.size(), 0, reinterpret_cast<const sockaddr*>(&to),
                                    sizeof to);
      if (sent != static_cast<ssize_t>(data.size())) {
        std::fprintf(stderr, "pcap_replay: %s: frame %zu on %s: %s\n", argv[i], n + 1, iface,
                     sent < 0 ? std::strerror(errno) : "short send");
        return 1;
      }
    }
  }
  return 0;
}
