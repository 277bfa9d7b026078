// Value: a typed, nested event value (null, boolean, integer, float, string, timestamp, array,
// object) — the data model of Logstash events. Object keeps insertion order, as Logstash prints
// fields in the order they were added. Plain value types; not synchronized. (Nested objects
// that grok built for one event may share a MemberBlock; they may still die in any threads.)
#pragma once

#include <algorithm>
#include <cassert>
#include <compare>
#include <concepts>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "core/field_key.h"
#include "core/member_block.h"
#include "core/timestamp.h"

namespace perimeter {

class Value;
using Array = std::vector<Value>;

struct ObjectMember;

// An insertion-ordered map from field name to Value. Events have few fields, so lookups scan
// linearly: faster than hashing for the ~20 keys an event carries. Members live in one array
// (one allocation per object, which matters: events are built at millions per second; or a
// part of a MemberBlock shared with sibling objects), and their names are interned FieldKeys
// (a pointer each, not a string).
class Object {
 public:
  // Declared here, defined below ObjectMember: they handle ObjectMembers, which are only
  // complete there (Value's constructors, above that point, name these).
  Object() = default;
  inline Object(const Object& other);
  inline Object(Object&& other) noexcept;
  inline Object& operator=(const Object& other);
  inline Object& operator=(Object&& other) noexcept;
  inline ~Object();

  inline size_t size() const;
  inline bool empty() const;
  inline const std::string& key(size_t i) const;
  inline const FieldKey& field_key(size_t i) const;
  inline Value& value(size_t i);
  inline const Value& value(size_t i) const;

  Value* Find(std::string_view key);
  const Value* Find(std::string_view key) const;
  // The same by interned name: members are told apart by pointer, without reading their names.
  Value* Find(const FieldKey& key);
  // The value under `key`, inserted as null at the end when missing.
  Value& GetOrInsert(std::string_view key);
  // Sets `key` to `v`, keeping its position when it exists.
  Value& Set(std::string_view key, Value v);
  // Adds `key` at the end, null, without looking for it: the caller knows it is absent (grok
  // storing into a fresh event). Within capacity, references to other members stay valid.
  // Neither the key nor the values of these Append calls may be read from this object's own
  // members (Set and GetOrInsert copy first): growing moves them before the member is built.
  // A FieldKey made once ahead (a filter's plan) spares interning the name per event.
  Value& AppendAbsent(std::string_view key) { return AppendAbsent(FieldKey(key)); }
  inline Value& AppendAbsent(const FieldKey& key);
  // The same with the value built in place from `init` (a string_view, an integer, an Object).
  template <typename T>
  Value& AppendAbsent(const FieldKey& key, T&& init);
  // Adds `key` at the end holding an empty object with room for `capacity` members, without
  // looking for it (as AppendAbsent); returns that object. Grok builds nested fields this way,
  // their room carved from one `block` per event when given (see MemberBlock).
  inline Object& AppendObject(const FieldKey& key, size_t capacity, MemberBlock* block = nullptr);
  // Gives an object without members room for `capacity`, carved from `block` when it has that
  // much left (see MemberBlock), else an array of its own.
  inline void ReserveIn(MemberBlock* block, size_t capacity);
  // Appends `count` members without looking for their names (as AppendAbsent), each built in
  // place by `build(ObjectMember* at, size_t i)`, which must construct member i at `at`: one
  // capacity check for all, and the end kept in a register between them, not reloaded from
  // this object after each (a builder of many members at once: grok's shape programs). When a
  // build throws, the members built before it stay; the throwing one must leave nothing built.
  template <typename Build>
  void AppendBuilt(size_t count, Build&& build);
  bool Erase(std::string_view key);
  void Clear();
  inline void Reserve(size_t n);

  bool operator==(const Object& other) const;

 private:
  template <typename... Args>
  ObjectMember& EmplaceBack(Args&&... args);
  // True when `arg` (a value, a name, or the text a string_view shows) lies in this object's
  // array: EmplaceBack may move the array before it builds the member.
  template <typename T>
  bool PointsIntoMembers(const T& arg) const;
  // Moves the members to an array of their own with room for `capacity`, and lets go of the
  // old one.
  void Grow(size_t capacity);
  // Destroys the members and lets go of their array; the pointers are left dangling, for the
  // caller to reset.
  inline void Free() noexcept;
  void FreeStorage() noexcept;
  void DestroyMembers() noexcept;
  ObjectMember* begin() { return begin_; }
  ObjectMember* end() { return end_; }
  const ObjectMember* begin() const { return begin_; }
  const ObjectMember* end() const { return end_; }
  inline size_t capacity() const;

  // Pointers, as std::vector keeps them: appending then stores the next end, where a count
  // would put an index computation in the chain from one appended member to the next.
  ObjectMember* begin_ = nullptr;
  ObjectMember* end_ = nullptr;
  ObjectMember* capacity_end_ = nullptr;
  MemberBlock* block_ = nullptr;  // set when the members are a part of this block
};

class Value {
 public:
  enum class Type : uint8_t { kNull, kBool, kInt, kFloat, kString, kTimestamp, kArray, kObject };

  Value() = default;
  Value(bool b) : v_(b) {}  // NOLINT(google-explicit-constructor)
  template <std::integral T>
  // NOLINTNEXTLINE(google-explicit-constructor)
  requires(!std::same_as<T, bool>) Value(T i)
      : v_(static_cast<int64_t>(i)) {}        // NOLINT(google-explicit-constructor)
  Value(double d) : v_(d) {}                  // NOLINT(google-explicit-constructor)
  Value(std::string s) : v_(std::move(s)) {}  // NOLINT(google-explicit-constructor)
  Value(std::string_view s)                   // NOLINT(google-explicit-constructor)
      : v_(std::in_place_type<std::string>, s) {}
  Value(const char* s)  // NOLINT(google-explicit-constructor)
      : v_(std::in_place_type<std::string>, s) {}
  Value(Timestamp t) : v_(t) {}            // NOLINT(google-explicit-constructor)
  Value(Array a) : v_(std::move(a)) {}     // NOLINT(google-explicit-constructor)
  Value(const Object& o) : v_(o) {}        // NOLINT(google-explicit-constructor)
  Value(Object&& o) : v_(std::move(o)) {}  // NOLINT(google-explicit-constructor)

  Type type() const { return static_cast<Type>(v_.index()); }
  static const char* TypeName(Type t);
  bool is_null() const { return type() == Type::kNull; }
  bool is_bool() const { return type() == Type::kBool; }
  bool is_int() const { return type() == Type::kInt; }
  bool is_float() const { return type() == Type::kFloat; }
  bool is_number() const { return is_int() || is_float(); }
  bool is_string() const { return type() == Type::kString; }
  bool is_timestamp() const { return type() == Type::kTimestamp; }
  bool is_array() const { return type() == Type::kArray; }
  bool is_object() const { return type() == Type::kObject; }

  bool as_bool() const { return std::get<bool>(v_); }
  int64_t as_int() const { return std::get<int64_t>(v_); }
  double as_float() const { return std::get<double>(v_); }
  // Integer or float as a double.
  double as_number() const { return is_int() ? static_cast<double>(as_int()) : as_float(); }
  const std::string& as_string() const { return std::get<std::string>(v_); }
  std::string& as_string() { return std::get<std::string>(v_); }
  Timestamp as_timestamp() const { return std::get<Timestamp>(v_); }
  const Array& as_array() const { return std::get<Array>(v_); }
  Array& as_array() { return std::get<Array>(v_); }
  const Object& as_object() const { return std::get<Object>(v_); }
  Object& as_object() { return std::get<Object>(v_); }

  // The string or object a value was just built holding, without checking its type: the
  // check would reread the type byte the construction has just stored (a stall), and a wrong
  // type is undefined behaviour, not an exception. For builders only (grok's storing).
  std::string& built_string() {
    assert(is_string());
    if (!is_string()) __builtin_unreachable();
    return *std::get_if<std::string>(&v_);
  }
  Object& built_object() {
    assert(is_object());
    if (!is_object()) __builtin_unreachable();
    return *std::get_if<Object>(&v_);
  }

  // Logstash truthiness: only null and false are false ("" and 0 are true, as in Ruby).
  bool Truthy() const { return !is_null() && !(is_bool() && !as_bool()); }

  // Text as Logstash's sprintf renders it: strings as is, floats shortest round-trip, timestamps
  // ISO 8601, arrays joined with ",", objects and nulls as JSON.
  void AppendText(std::string* out) const;
  std::string ToText() const;
  // Compact JSON.
  void AppendJson(std::string* out) const;
  std::string ToJson() const;

  // Deep equality; an integer equals a float of the same value, as in Ruby.
  bool operator==(const Value& other) const;
  // Ordering for <, >, <=, >=: numbers with numbers, strings with strings, timestamps with
  // timestamps; anything else is unordered.
  std::partial_ordering Compare(const Value& other) const;

 private:
  std::variant<std::monostate, bool, int64_t, double, std::string, Timestamp, Array, Object> v_;
};

struct ObjectMember {
  ObjectMember() = default;
  explicit ObjectMember(FieldKey k) : key(std::move(k)) {}
  template <typename T>
  ObjectMember(const FieldKey& k, T&& init) : key(k), value(std::forward<T>(init)) {}

  FieldKey key;
  Value value;
};

static_assert(sizeof(ObjectMember) == 48, "a member is a name's pointer and a 40-byte value");
static_assert(MemberBlock::kAlignment % alignof(ObjectMember) == 0 &&
                  sizeof(ObjectMember) % MemberBlock::kAlignment == 0,
              "parts carved for members stay aligned for them");

inline Object::Object(const Object& other) {
  try {
    AppendBuilt(other.size(),
                [&](ObjectMember* at, size_t i) { new (at) ObjectMember(other.begin_[i]); });
  } catch (...) {
    Free();  // a constructor that throws runs no destructor
    throw;
  }
}
// GCC 12 warns, wrongly, that moving a Value holding a smaller alternative (an Array, 24
// bytes) may read an Object's uninitialized last word: the variant moves one alternative only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
inline Object::Object(Object&& other) noexcept
    : begin_(other.begin_),
      end_(other.end_),
      capacity_end_(other.capacity_end_),
      block_(other.block_) {
  other.begin_ = other.end_ = other.capacity_end_ = nullptr;
  other.block_ = nullptr;
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
inline Object& Object::operator=(const Object& other) {
  if (this != &other) *this = Object(other);
  return *this;
}
inline Object& Object::operator=(Object&& other) noexcept {
  // Taken before anything is freed: `other` may be a value inside this very object.
  Object taken(std::move(other));
  Free();
  begin_ = std::exchange(taken.begin_, nullptr);
  end_ = std::exchange(taken.end_, nullptr);
  capacity_end_ = std::exchange(taken.capacity_end_, nullptr);
  block_ = std::exchange(taken.block_, nullptr);
  return *this;
}
inline Object::~Object() { Free(); }
inline size_t Object::size() const { return static_cast<size_t>(end_ - begin_); }
inline size_t Object::capacity() const { return static_cast<size_t>(capacity_end_ - begin_); }
inline bool Object::empty() const { return end_ == begin_; }

template <typename... Args>
ObjectMember& Object::EmplaceBack(Args&&... args) {
  // Unlike std::vector's, the array may move before the member is built (a growth path that
  // builds first costs the store loop registers): no argument may lie in it.
  assert(!(PointsIntoMembers(args) || ...));
  if (end_ == capacity_end_) Grow(begin_ == end_ ? 4 : 2 * size());
  ObjectMember* m = new (end_) ObjectMember(std::forward<Args>(args)...);
  end_ = m + 1;
  return *m;
}

template <typename T>
bool Object::PointsIntoMembers(const T& arg) const {
  const void* p = &arg;
  if constexpr (std::is_convertible_v<const T&, std::string_view>) {
    p = std::string_view(arg).data();
  }
  // As integers: < on pointers into unrelated objects is unspecified.
  const auto at = reinterpret_cast<uintptr_t>(p);
  return at >= reinterpret_cast<uintptr_t>(begin_) &&
         at < reinterpret_cast<uintptr_t>(capacity_end_);
}

template <typename T>
Value& Object::AppendAbsent(const FieldKey& key, T&& init) {
  return EmplaceBack(key, std::forward<T>(init)).value;
}

inline Value& Object::AppendAbsent(const FieldKey& key) {
  // Built in place: no temporary value to move into the array.
  return EmplaceBack(key).value;
}

inline Object& Object::AppendObject(const FieldKey& key, size_t capacity, MemberBlock* block) {
  Object& object = EmplaceBack(key, Object()).value.built_object();
  object.ReserveIn(block, capacity);
  return object;
}

inline void Object::ReserveIn(MemberBlock* block, size_t capacity) {
  assert(begin_ == nullptr);
  if (block != nullptr && capacity > 0) {
    if (void* part = block->Carve(capacity * sizeof(ObjectMember))) {
      begin_ = end_ = static_cast<ObjectMember*>(part);
      capacity_end_ = begin_ + capacity;
      block_ = block;
      return;
    }
  }
  Reserve(capacity);
}

template <typename Build>
void Object::AppendBuilt(size_t count, Build&& build) {
  // Compared as addresses: a member count would divide by the member's size (48).
  if (reinterpret_cast<uintptr_t>(end_) + count * sizeof(ObjectMember) >
      reinterpret_cast<uintptr_t>(capacity_end_)) {
    Grow(std::max(size() + count, 2 * size()));  // doubling, as EmplaceBack
  }
  ObjectMember* at = end_;
  try {
    for (size_t i = 0; i < count; ++i, ++at) build(at, i);
  } catch (...) {
    end_ = at;
    throw;
  }
  end_ = at;
}

inline void Object::Reserve(size_t n) {
  if (n > capacity()) Grow(n);
}

inline void Object::Free() noexcept {
  if (begin_ != nullptr) FreeStorage();  // inline: moved-from objects die often
}

inline const std::string& Object::key(size_t i) const { return begin_[i].key.str(); }
inline const FieldKey& Object::field_key(size_t i) const { return begin_[i].key; }
inline Value& Object::value(size_t i) { return begin_[i].value; }
inline const Value& Object::value(size_t i) const { return begin_[i].value; }

// Appends `s` as a JSON string literal (quotes included).
void AppendJsonString(std::string_view s, std::string* out);
// Shortest text that reads back as the same double ("0.1", "-0.14999999999999545", "50.0").
void AppendDouble(double d, std::string* out);

}  // namespace perimeter
