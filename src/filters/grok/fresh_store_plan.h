// FreshStorePlan: how one grok pattern's captures are stored into an event that has none of
// their top-level fields yet — the common case, an event fresh from an input: every field is
// appended in place, without a lookup. The fields form a tree of nodes, parents before
// children. Built once with the filter; immutable afterwards except for its ShapeTable, which
// any number of threads may fill and read at once.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/field_key.h"
#include "filters/grok/grok_pattern.h"
#include "filters/grok/shape_program.h"

namespace perimeter::grok {

struct FreshStorePlan {
  static constexpr uint16_t kNoSlot = 0xFFFF;
  struct Node {
    int32_t parent = -1;    // -1: a top-level field
    FieldKey key;           // interned once here, so storing copies a pointer
    uint16_t children = 0;  // capacity of the object this node holds, when it is a parent
    // A parent's index among the objects made while storing; a repeated leaf's among the
    // fields stored more than once. Per-event state is kept for these only.
    uint16_t slot = kNoSlot;
  };
  static constexpr size_t kMaxNodes = 64;
  bool usable = false;   // false: the pattern's targets need the general path
  uint16_t parents = 0;  // nodes holding objects (none: every field is top-level)
  uint16_t repeats = 0;  // leaves set by more than one capture
  // Members of all the objects made while storing, at most: their room is carved from one
  // MemberBlock per event, one allocation instead of one per object.
  uint32_t nested_members = 0;
  std::vector<Node> nodes;
  struct Capture {
    uint32_t group;
    int32_t leaf;  // its node
    Conversion conversion;
    bool repeated = false;           // another capture of the pattern has the same field
    uint16_t parent_slot = kNoSlot;  // its parent's slot; kNoSlot: a top-level field
  };
  std::vector<Capture> captures;   // parallel to the pattern's captures, compact
  std::vector<FieldKey> top_keys;  // the top-level fields, checked against the event's
  uint64_t top_key_bits = 0;       // FieldKey::IdBit() of each top-level field

  // A shape has a bit per group, up to the highest group a capture reads.
  static constexpr uint32_t kMaxShapeGroups = 64;
  // The programs of the line shapes seen so far (see ShapeProgram); null when a capture reads a
  // group past kMaxShapeGroups.
  std::unique_ptr<ShapeTable> shapes;
  uint32_t groups = 0;           // the highest capture group: groups 1..groups are read
  uint64_t captured_groups = 0;  // bit g-1: group g is a capture's
  uint64_t converted = 0;        // bit g-1: group g is converted, so stored even when empty

  // Calls make(m) for node `n` and each of its ancestors not made yet (is_made(m) false),
  // outermost first: the objects a capture under `n` needs before it is stored, in the order
  // the fresh store makes them.
  template <typename IsMade, typename Make>
  void MakeMissing(int32_t n, IsMade&& is_made, Make&& make) const {
    std::array<int32_t, kMaxNodes> missing;  // NOLINT: the used part is written first
    size_t count = 0;
    for (int32_t at = n; at >= 0 && !is_made(at); at = nodes[static_cast<size_t>(at)].parent) {
      missing[count++] = at;
    }
    while (count > 0) make(missing[--count]);
  }

  // The shape of the last match whose offsets are in `ovector`, on a subject of
  // `subject_size` bytes: bit g-1 is set when group g is stored with keep_empty_captures off —
  // it is a capture's, it took part, and it holds text or is converted (the general loop's
  // rule, GrokFilter::StoreFresh).
  uint64_t ShapeOf(const PCRE2_SIZE* ovector, size_t subject_size) const;
};

}  // namespace perimeter::grok
