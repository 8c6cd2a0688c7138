// IGMP, MLD, PIM and MRD messages by type and protocol version: one plain struct per port and
// direction. The engine counts what it receives (Engine::rx_messages), the control plane what
// the switch sends, its own queries and solicitations and the control frames it forwards
// (ControlPlane::tx_messages). `show stats`, `show ports` and the metrics exporter read them
// through kMsgCounterFields, so a counter added here is exported everywhere at once.
//
// Thread safety: plain values; the control lcore writes them, readers on that lcore read them.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "mcsnoop/net/mcast_msg.hpp"

namespace mcsnoop::snoop {

struct MsgCounters {
  uint64_t igmp_queries_v1 = 0, igmp_queries_v2 = 0, igmp_queries_v3 = 0;
  uint64_t igmp_reports_v1 = 0, igmp_reports_v2 = 0, igmp_reports_v3 = 0;
  uint64_t igmp_leaves = 0;              // IGMPv2 Leave Group
  uint64_t mld_queries_v1 = 0, mld_queries_v2 = 0;
  uint64_t mld_reports_v1 = 0, mld_reports_v2 = 0;
  uint64_t mld_done = 0;                 // MLDv1 Done
  uint64_t pim_hellos = 0;               // PIMv2 hellos, both families
  uint64_t mrd_advertisements = 0, mrd_solicitations = 0, mrd_terminations = 0;  // RFC 4286

  MsgCounters& operator+=(const MsgCounters& o);
  bool operator==(const MsgCounters&) const = default;
};

// One counter of MsgCounters with its export names: `protocol` groups it in JSON
// ({"igmp": {"queries_v1": ...}}), `type` and `version` label it in metrics (version 0: none).
struct MsgCounterField {
  std::string_view protocol;  // igmp | mld | pim | mrd
  std::string_view name;      // JSON key inside the protocol object
  std::string_view type;      // query | report | leave | done | hello | advertisement | ...
  uint8_t version;            // IGMP 1..3 / MLD 1..2; 0 where the type has none
  uint64_t MsgCounters::*member;
};

inline constexpr std::array<MsgCounterField, 16> kMsgCounterFields = {{
    {"igmp", "queries_v1", "query", 1, &MsgCounters::igmp_queries_v1},
    {"igmp", "queries_v2", "query", 2, &MsgCounters::igmp_queries_v2},
    {"igmp", "queries_v3", "query", 3, &MsgCounters::igmp_queries_v3},
    {"igmp", "reports_v1", "report", 1, &MsgCounters::igmp_reports_v1},
    {"igmp", "reports_v2", "report", 2, &MsgCounters::igmp_reports_v2},
    {"igmp", "reports_v3", "report", 3, &MsgCounters::igmp_reports_v3},
    {"igmp", "leaves", "leave", 2, &MsgCounters::igmp_leaves},
    {"mld", "queries_v1", "query", 1, &MsgCounters::mld_queries_v1},
    {"mld", "queries_v2", "query", 2, &MsgCounters::mld_queries_v2},
    {"mld", "reports_v1", "report", 1, &MsgCounters::mld_reports_v1},
    {"mld", "reports_v2", "report", 2, &MsgCounters::mld_reports_v2},
    {"mld", "done", "done", 1, &MsgCounters::mld_done},
    {"pim", "hellos", "hello", 2, &MsgCounters::pim_hellos},
    {"mrd", "advertisements", "advertisement", 0, &MsgCounters::mrd_advertisements},
    {"mrd", "solicitations", "solicitation", 0, &MsgCounters::mrd_solicitations},
    {"mrd", "terminations", "termination", 0, &MsgCounters::mrd_terminations},
}};
static_assert(sizeof(MsgCounters) == kMsgCounterFields.size() * sizeof(uint64_t),
              "one kMsgCounterFields row per MsgCounters counter");

inline MsgCounters& MsgCounters::operator+=(const MsgCounters& o) {
  for (const MsgCounterField& f : kMsgCounterFields) this->*f.member += o.*f.member;
  return *this;
}

// The counter a decoded message counts in. Versions as on the wire: IGMP 1..3, MLD 1..2
// (net::Compat V2 = MLDv1, V3 = MLDv2).
inline uint64_t MsgCounters::*msg_counter(const net::McastMessage& m) {
  const bool v6 = m.family == net::Family::V6;
  switch (m.kind) {
    case net::MsgKind::Query:
      if (v6) return m.compat == net::Compat::V3 ? &MsgCounters::mld_queries_v2 : &MsgCounters::mld_queries_v1;
      if (m.compat == net::Compat::V1) return &MsgCounters::igmp_queries_v1;
      return m.compat == net::Compat::V2 ? &MsgCounters::igmp_queries_v2 : &MsgCounters::igmp_queries_v3;
    case net::MsgKind::Report:
      if (v6) {
        if (m.is_leave) return &MsgCounters::mld_done;
        return m.compat == net::Compat::V3 ? &MsgCounters::mld_reports_v2 : &MsgCounters::mld_reports_v1;
      }
      if (m.is_leave) return &MsgCounters::igmp_leaves;
      if (m.compat == net::Compat::V1) return &MsgCounters::igmp_reports_v1;
      return m.compat == net::Compat::V2 ? &MsgCounters::igmp_reports_v2 : &MsgCounters::igmp_reports_v3;
    case net::MsgKind::PimHello: return &MsgCounters::pim_hellos;
    case net::MsgKind::MrdAdvertisement: return &MsgCounters::mrd_advertisements;
    case net::MsgKind::MrdSolicitation: return &MsgCounters::mrd_solicitations;
    case net::MsgKind::MrdTermination: return &MsgCounters::mrd_terminations;
  }
  return &MsgCounters::pim_hellos;  // unreachable: every kind is listed above
}

// The counter of a query the switch sends (QueryToSend's family and version).
inline uint64_t MsgCounters::*query_counter(net::Family f, net::Compat c) {
  if (f == net::Family::V6) return c == net::Compat::V3 ? &MsgCounters::mld_queries_v2 : &MsgCounters::mld_queries_v1;
  if (c == net::Compat::V1) return &MsgCounters::igmp_queries_v1;
  return c == net::Compat::V2 ? &MsgCounters::igmp_queries_v2 : &MsgCounters::igmp_queries_v3;
}

}  // namespace mcsnoop::snoop
