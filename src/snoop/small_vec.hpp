// A vector of trivially copyable values with room for N of them inside the object.
//
// Per-(group, port) state holds two short lists (sources, reporting hosts) that are empty or
// hold one element in the common case. std::vector would cost a heap block for every
// membership; SmallVec keeps the first N elements inline and only goes to the heap beyond
// that, so a refresh of an existing membership never allocates.
//
// SizeT is the type of the size and capacity fields, for lists whose owner caps their length:
// SmallVec<T, 1, uint8_t> is the element plus two bytes, and an owner that declares it
// [[no_unique_address]] can pack small fields into the rest of its tail padding (Membership).
// The list never holds more than kMaxSize (what SizeT counts): insert() and assign() refuse
// past it, in every build type, and return false so that the owner counts the refusal.
//
// Thread safety: none (plain value type).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <new>
#include <span>
#include <type_traits>
#include <utility>

namespace mcsnoop::snoop {

template <typename T, uint32_t N, typename SizeT = uint32_t>
class SmallVec {
  static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>,
                "SmallVec moves elements with memcpy");
  static_assert(N >= 1, "use CompactVec when no inline capacity is wanted");
  static_assert(std::is_unsigned_v<SizeT> && 2 * N <= std::numeric_limits<SizeT>::max());

 public:
  static constexpr uint32_t kMaxSize = std::numeric_limits<SizeT>::max();

  SmallVec() = default;
  ~SmallVec() { release(); }
  // A list of the same type always fits, so the copies cannot be refused.
  SmallVec(const SmallVec& o) { static_cast<void>(assign(o.span())); }
  SmallVec& operator=(const SmallVec& o) {
    if (this != &o) static_cast<void>(assign(o.span()));
    return *this;
  }
  SmallVec(SmallVec&& o) noexcept { steal(o); }
  SmallVec& operator=(SmallVec&& o) noexcept {
    if (this != &o) {
      release();
      steal(o);
    }
    return *this;
  }

  uint32_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  uint32_t capacity() const { return cap_; }
  T* data() { return on_heap() ? heap_ : inline_ptr(); }
  const T* data() const { return on_heap() ? heap_ : inline_ptr(); }
  T* begin() { return data(); }
  T* end() { return data() + size_; }
  const T* begin() const { return data(); }
  const T* end() const { return data() + size_; }
  T& operator[](uint32_t i) { return data()[i]; }
  const T& operator[](uint32_t i) const { return data()[i]; }
  std::span<const T> span() const { return {data(), size_}; }

  void clear() { size_ = 0; }
  [[nodiscard]] bool push_back(const T& v) { return insert(size_, v); }

  // Inserts `v` before index `pos` (<= size()). False, and nothing changed, when the list
  // already holds kMaxSize elements.
  [[nodiscard]] bool insert(uint32_t pos, const T& v) {
    if (size_ == kMaxSize) return false;
    if (size_ == cap_) grow(std::min<uint32_t>(uint32_t{cap_} * 2, kMaxSize));
    T* d = data();
    std::memmove(static_cast<void*>(d + pos + 1), d + pos, (size_ - pos) * sizeof(T));
    std::memcpy(static_cast<void*>(d + pos), &v, sizeof(T));
    size_ = static_cast<SizeT>(size_ + 1);
    return true;
  }

  void erase(uint32_t pos) {
    T* d = data();
    std::memmove(static_cast<void*>(d + pos), d + pos + 1, (size_ - pos - 1) * sizeof(T));
    size_ = static_cast<SizeT>(size_ - 1);
  }

  // Keeps the elements for which keep(element) is true, in order.
  template <typename Pred>
  void retain(Pred&& keep) {
    T* d = data();
    uint32_t out = 0;
    for (uint32_t i = 0; i < size_; ++i) {
      if (keep(d[i])) d[out++] = d[i];
    }
    size_ = static_cast<SizeT>(out);
  }

  // Replaces the contents; allocates only when `src` is larger than the current capacity.
  // False, and the contents unchanged, when `src` holds more than kMaxSize elements.
  [[nodiscard]] bool assign(std::span<const T> src) {
    if (src.size() > kMaxSize) return false;
    if (src.size() > cap_) grow(static_cast<uint32_t>(src.size()));
    if (!src.empty()) std::memcpy(static_cast<void*>(data()), src.data(), src.size() * sizeof(T));
    size_ = static_cast<SizeT>(src.size());
    return true;
  }

  // Bytes held outside the object (for memory accounting in tests and benchmarks).
  size_t heap_bytes() const { return on_heap() ? size_t{cap_} * sizeof(T) : 0; }

 private:
  bool on_heap() const { return cap_ > N; }
  T* inline_ptr() { return std::launder(reinterpret_cast<T*>(storage_)); }
  const T* inline_ptr() const { return std::launder(reinterpret_cast<const T*>(storage_)); }

  // `want` <= kMaxSize (insert and assign check it), so the clamped capacity still holds it.
  void grow(uint32_t want) {
    const uint32_t cap = std::min<uint32_t>(std::max<uint32_t>(want, 2 * N), kMaxSize);
    T* fresh = static_cast<T*>(::operator new(size_t{cap} * sizeof(T)));
    if (size_ != 0) std::memcpy(static_cast<void*>(fresh), data(), size_t{size_} * sizeof(T));
    release();
    heap_ = fresh;
    cap_ = static_cast<SizeT>(cap);
  }
  void release() {
    if (on_heap()) ::operator delete(heap_);
    cap_ = N;
  }
  void steal(SmallVec& o) {
    size_ = o.size_;
    cap_ = o.cap_;
    if (o.on_heap()) {
      heap_ = o.heap_;
    } else {
      std::memcpy(storage_, o.storage_, sizeof(storage_));
    }
    o.size_ = 0;
    o.cap_ = N;
  }

  union {
    alignas(T) std::byte storage_[N * sizeof(T)];
    T* heap_;
  };
  SizeT size_ = 0;
  SizeT cap_ = N;
};

}  // namespace mcsnoop::snoop
