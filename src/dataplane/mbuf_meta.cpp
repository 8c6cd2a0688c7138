#include "mcsnoop/dataplane/mbuf_meta.hpp"

namespace mcsnoop::dataplane {

int g_mbuf_meta_offset = -1;

bool register_mbuf_meta() {
  static const rte_mbuf_dynfield desc = {
      "mcsnoop_dynfield_meta", sizeof(MbufMeta), alignof(MbufMeta), 0};
  if (g_mbuf_meta_offset >= 0) return true;
  g_mbuf_meta_offset = rte_mbuf_dynfield_register(&desc);
  return g_mbuf_meta_offset >= 0;
}

}  // namespace mcsnoop::dataplane
