// Classic pcap format: a 24-byte file header (magic, version 2.4, thiszone, sigfigs, snaplen,
// linktype) and per record a 16-byte header (ts_sec, ts_usec|ts_nsec, incl_len, orig_len).
#include "mcsnoop/net/pcap_file.hpp"

#include <cerrno>
#include <cstring>

namespace mcsnoop::net {
namespace {

constexpr uint32_t kMagicMicros = 0xa1b2c3d4;
constexpr uint32_t kMagicNanos = 0xa1b23c4d;
// Far above any Ethernet frame; a record claiming more is treated as damage, not allocated.
constexpr uint32_t kMaxRecordLen = 256 * 1024;

void put32(uint8_t* p, uint32_t v) { std::memcpy(p, &v, 4); }  // host order, as pcap writers do
void put16(uint8_t* p, uint16_t v) { std::memcpy(p, &v, 2); }

std::string errno_text(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}

}  // namespace

bool PcapWriter::open(const std::string& path, uint32_t snaplen, uint32_t linktype) {
  error_.clear();
  file_.reset(std::fopen(path.c_str(), "wb"));
  if (!file_) {
    error_ = errno_text("cannot create", path);
    return false;
  }
  snaplen_ = snaplen;
  uint8_t hdr[24] = {};
  put32(hdr, kMagicMicros);
  put16(hdr + 4, 2);
  put16(hdr + 6, 4);
  put32(hdr + 16, snaplen);
  put32(hdr + 20, linktype);
  if (std::fwrite(hdr, sizeof(hdr), 1, file_.get()) != 1) {
    error_ = errno_text("cannot write", path);
    file_.reset();
    return false;
  }
  return true;
}

bool PcapWriter::write(std::span<const uint8_t> frame, uint64_t ts_ns) {
  if (!file_) return false;
  const auto orig = static_cast<uint32_t>(frame.size());
  const uint32_t incl = orig < snaplen_ ? orig : snaplen_;
  uint8_t rec[16];
  put32(rec, static_cast<uint32_t>(ts_ns / 1'000'000'000));
  put32(rec + 4, static_cast<uint32_t>(ts_ns % 1'000'000'000 / 1000));
  put32(rec + 8, incl);
  put32(rec + 12, orig);
  if (std::fwrite(rec, sizeof(rec), 1, file_.get()) != 1 ||
      (incl != 0 && std::fwrite(frame.data(), incl, 1, file_.get()) != 1)) {
    error_ = std::string("write failed: ") + std::strerror(errno);
    return false;
  }
  return true;
}

bool PcapWriter::close() {
  if (!file_) return error_.empty();
  const bool ok = std::fflush(file_.get()) == 0 && std::ferror(file_.get()) == 0;
  std::FILE* f = file_.release();
  const bool closed = std::fclose(f) == 0;
  if (!(ok && closed) && error_.empty()) error_ = std::string("close failed: ") + std::strerror(errno);
  return ok && closed && error_.empty();
}

uint32_t PcapReader::field(const uint8_t* p) const {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return swapped_ ? __builtin_bswap32(v) : v;
}

bool PcapReader::open(const std::string& path) {
  error_.clear();
  file_.reset(std::fopen(path.c_str(), "rb"));
  if (!file_) {
    error_ = errno_text("cannot open", path);
    return false;
  }
  uint8_t hdr[24];
  if (std::fread(hdr, sizeof(hdr), 1, file_.get()) != 1) {
    error_ = path + ": shorter than a pcap file header";
    file_.reset();
    return false;
  }
  uint32_t magic;
  std::memcpy(&magic, hdr, 4);
  swapped_ = false;
  if (magic == __builtin_bswap32(kMagicMicros) || magic == __builtin_bswap32(kMagicNanos)) {
    swapped_ = true;
    magic = __builtin_bswap32(magic);
  }
  if (magic != kMagicMicros && magic != kMagicNanos) {
    error_ = path + ": not a classic pcap file (pcapng is not supported)";
    file_.reset();
    return false;
  }
  nanos_ = magic == kMagicNanos;
  snaplen_ = field(hdr + 16);
  linktype_ = field(hdr + 20);
  return true;
}

bool PcapReader::next(PcapRecord& rec) {
  if (!file_) return false;
  uint8_t hdr[16];
  const size_t got = std::fread(hdr, 1, sizeof(hdr), file_.get());
  if (got == 0) return false;  // clean end of file
  if (got != sizeof(hdr)) {
    error_ = "truncated record header";
    return false;
  }
  const uint32_t incl = field(hdr + 8);
  if (incl > kMaxRecordLen) {
    error_ = "record length " + std::to_string(incl) + " is implausible";
    return false;
  }
  const uint64_t frac = field(hdr + 4);
  rec.ts_ns = uint64_t{field(hdr)} * 1'000'000'000 + (nanos_ ? frac : frac * 1000);
  rec.orig_len = field(hdr + 12);
  rec.data.resize(incl);
  if (incl != 0 && std::fread(rec.data.data(), incl, 1, file_.get()) != 1) {
    error_ = "truncated record data";
    return false;
  }
  return true;
}

bool write_pcap(const std::string& path, const std::vector<std::vector<uint8_t>>& frames,
                std::string* error) {
  PcapWriter w;
  bool ok = w.open(path);
  for (size_t i = 0; ok && i < frames.size(); ++i) ok = w.write(frames[i], i * 1000);
  ok = w.close() && ok;
  if (!ok && error) *error = w.error();
  return ok;
}

std::vector<PcapRecord> read_pcap(const std::string& path, std::string* error) {
  std::vector<PcapRecord> out;
  PcapReader r;
  if (!r.open(path)) {
    if (error) *error = r.error();
    return out;
  }
  PcapRecord rec;
  while (r.next(rec)) out.push_back(rec);
  if (!r.error().empty()) {
    if (error) *error = r.error();
    out.clear();
  }
  return out;
}

}  // namespace mcsnoop::net
