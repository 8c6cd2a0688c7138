#include "fuzz_net_body.hpp"

#include <vector>

#include "mcsnoop/net/build.hpp"
#include "mcsnoop/net/decode.hpp"
#include "mcsnoop/net/ethernet.hpp"
#include "mcsnoop/net/frame_classify.hpp"
#include "mcsnoop/net/time_code.hpp"

namespace mcsnoop::net::fuzz {
namespace {

void require(bool ok) {
  if (!ok) __builtin_trap();
}

// Every decoded index stays inside the message's source pool.
void check_message(const McastMessage& m) {
  uint64_t used = 0;
  for (const GroupRecord& r : m.records) {
    require(uint64_t{r.src_begin} + r.src_count <= m.sources.size());
    require(r.group.is_multicast());
    used += r.src_count;
  }
  if (m.kind == MsgKind::Report) require(used == m.sources.size());
}

// A decoded report, rebuilt and decoded again, yields the same records and sources.
void check_report_round_trip(const McastMessage& m) {
  if (m.kind != MsgKind::Report || m.compat != Compat::V3) return;
  std::vector<ReportRecord> records;
  for (const GroupRecord& r : m.records) {
    const auto srcs = m.sources_of(r);
    records.push_back(ReportRecord{.type = r.type, .group = r.group,
                                   .sources = std::vector<IpAddr>(srcs.begin(), srcs.end())});
  }
  const std::vector<uint8_t> frame =
      m.family == Family::V4
          ? build(IgmpV3Report{.src = m.src, .records = records, .dst = m.dst})
          : build(MldV2Report{.src = m.src, .records = records, .dst = m.dst});
  if (frame.size() > 0xffff) return;  // more than one IP packet can carry: not comparable
  McastMessage again;
  const DecodeResult r = decode_l3(load_be16(frame.data() + 12), frame.data() + 14,
                                   static_cast<uint32_t>(frame.size() - 14), again);
  require(r == DecodeResult::Ok);
  require(again.records.size() == m.records.size());
  require(again.sources == m.sources);
  for (size_t i = 0; i < m.records.size(); ++i) {
    require(again.records[i].type == m.records[i].type);
    require(again.records[i].group == m.records[i].group);
  }
}

void decode_and_check(DecodeResult r, const McastMessage& m) {
  require(std::string_view(to_string(r)) != "invalid");
  if (r != DecodeResult::Ok) return;
  check_message(m);
  check_report_round_trip(m);
}

}  // namespace

void run_one_input(const uint8_t* data, size_t size) {
  const auto len = static_cast<uint32_t>(size > 0xffffffffu ? 0xffffffffu : size);
  McastMessage m;

  const FrameInfo fi = classify_frame(data, len);
  require(fi.l3_offset <= len && fi.l4_offset <= len);
  const auto eth = parse_ethernet(data, len);
  require(eth.has_value() == (fi.l2_len != 0));  // both parse the tags the same way
  if (eth) {
    require(eth->header_len == fi.l2_len && eth->ethertype == fi.ethertype);
    decode_and_check(decode_l3(fi.ethertype, data + fi.l3_offset, len - fi.l3_offset, m), m);
    // Whatever the classifier calls control must be an IGMP/MLD/PIM/MRD packet to the decoder.
    if (fi.is_control()) {
      const DecodeResult standalone = decode_l3(fi.ethertype, data + fi.l3_offset, len - fi.l3_offset, m);
      require(standalone != DecodeResult::NotControl);
      // Classify once: decoding from the classification (as the control lcore does with a
      // punted frame) reaches the same verdict as the decoder that checks the IP header itself.
      McastMessage from_class;
      const DecodeResult r = decode_classified(data, len, {fi.cls, fi.l3_offset, fi.l4_offset}, from_class);
      require(r == standalone);
      decode_and_check(r, from_class);
    }
  }
  // The decoders straight on the input, as if it were an IP packet.
  decode_and_check(decode_ipv4(data, len, m), m);
  decode_and_check(decode_ipv6(data, len, m), m);

  if (size >= 2) {
    require(encode_time_code8(decode_time_code8(data[0])) == data[0]);
    const uint16_t code = load_be16(data);
    require(encode_mld_mrc(decode_mld_mrc(code)) == code);
  }
}

}  // namespace mcsnoop::net::fuzz
