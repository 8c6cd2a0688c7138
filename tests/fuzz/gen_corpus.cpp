// Writes the seed corpus: one small frame per message shape the decoders know, built with the
// builders so the seeds start out valid and the fuzzer mutates from there.
// Usage: gen_net_corpus DIR (run by hand; the seeds are committed under tests/fuzz/corpus).
#include <cstdio>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "mcsnoop/net/build.hpp"

using namespace mcsnoop::net;

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DIR\n", argv[0]);
    return 1;
  }
  const IpAddr q4 = *IpAddr::parse("10.0.0.1");
  const IpAddr h4 = *IpAddr::parse("10.0.0.5");
  const IpAddr ll = *IpAddr::parse("fe80::1");
  const IpAddr g4 = *IpAddr::parse("239.1.1.1");
  const IpAddr g6 = *IpAddr::parse("ff0e::1:1");
  const FrameOptions tagged{.vlan = VlanTag{.vid = 10}};
  const std::vector<std::pair<std::string, std::vector<uint8_t>>> seeds = {
      {"igmp_v1_query", build(IgmpQuery{.version = Compat::V1, .src = q4})},
      {"igmp_v2_query", build(IgmpQuery{.version = Compat::V2, .src = q4})},
      {"igmp_v3_gsq", build(IgmpQuery{.src = q4, .group = g4, .sources = {h4}}, tagged)},
      {"igmp_v1_report", build(IgmpReport{.version = Compat::V1, .src = h4, .group = g4})},
      {"igmp_v2_report", build(IgmpReport{.src = h4, .group = g4})},
      {"igmp_v2_leave", build(IgmpLeave{.src = h4, .group = g4})},
      {"igmp_v3_report",
       build(IgmpV3Report{.src = h4,
                          .records = {{.type = RecordType::IsInclude, .group = g4,
                                       .sources = {q4}, .aux_words = 1},
                                      {.type = RecordType::BlockOld, .group = g4,
                                       .sources = {q4}}}})},
      {"mld_v1_query", build(MldQuery{.version = Compat::V2, .src = ll})},
      {"mld_v2_query", build(MldQuery{.src = ll, .group = g6, .sources = {ll}}, tagged)},
      {"mld_v1_report", build(MldReport{.src = ll, .group = g6})},
      {"mld_v1_done", build(MldDone{.src = ll, .group = g6})},
      {"mld_v2_report",
       build(MldV2Report{.src = ll,
                         .records = {{.type = RecordType::ToExclude, .group = g6,
                                      .sources = {ll}}}})},
      {"pim_hello4", build(PimHello{.src = q4, .generation_id = 1})},
      {"pim_hello6", build(PimHello{.src = ll})},
      {"mrd_adv4", build(MrdAdvertisement{.src = q4})},
      {"mrd_adv6", build(MrdAdvertisement{.src = ll})},
      {"mrd_sol6", build(MrdSolicitation{.src = ll})},
      {"mrd_term4", build(MrdTermination{.src = q4})},
      {"udp4", build(UdpDatagram{.src = h4, .dst = g4, .payload_len = 16})},
      {"udp6", build(UdpDatagram{.src = ll, .dst = g6, .payload_len = 16}, tagged)},
  };
  for (const auto& [name, frame] : seeds) {
    const std::string path = std::string(argv[1]) + "/" + name;
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(frame.data()), static_cast<std::streamsize>(frame.size()));
    if (!out) {
      std::fprintf(stderr, "cannot write %s\n", path.c_str());
      return 1;
    }
  }
  return 0;
}
