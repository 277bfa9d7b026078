#include "core/value.h"

#include <gtest/gtest.h>

#include <compare>
#include <stdexcept>

#include "core/event.h"
#include "core/json.h"

namespace perimeter {
namespace {

TEST(Value, TruthinessFollowsRuby) {
  EXPECT_FALSE(Value().Truthy());
  EXPECT_FALSE(Value(false).Truthy());
  EXPECT_TRUE(Value("").Truthy());
  EXPECT_TRUE(Value(0).Truthy());
}

TEST(Value, JsonEscapesControlCharacters) {
  EXPECT_EQ(Value("a\"b\\c\n\x01").ToJson(), R"("a\"b\\c\n\u0001")");
}

TEST(Value, FloatsKeepAFractionalPart) {
  EXPECT_EQ(Value(50.0).ToText(), "50.0");
  EXPECT_EQ(Value(-0.25).ToText(), "-0.25");
}

TEST(Value, IntegerEqualsFloatOfSameValue) {
  EXPECT_EQ(Value(22), Value(22.0));
  EXPECT_TRUE(std::is_lt(Value(21).Compare(Value(22.5))));
  EXPECT_EQ(Value("a").Compare(Value(1)), std::partial_ordering::unordered);
}

TEST(Value, ArraysRenderAsCommaList) {
  EXPECT_EQ(Value(Array{Value(-0.13), Value(51.5)}).ToText(), "-0.13,51.5");
}

// AppendObject adds an empty object with room for its members: the reference it returns stays
// valid while that many are added, and the object reads back like one built by Set.
TEST(Value, AppendObjectReservesItsMembers) {
  Object top;
  top.Set("message", "x");
  Object& source = top.AppendObject(FieldKey("source"), 3);
  const Object* before = &source;
  source.AppendAbsent(FieldKey("ip"), std::string_view("203.0.113.5"));
  source.AppendAbsent(FieldKey("port"), 22);
  source.AppendObject(FieldKey("geo"), 1).AppendAbsent(FieldKey("country_iso_code"), "CN");
  EXPECT_EQ(before, &top.Find("source")->as_object());
  EXPECT_EQ(
      Value(top).ToJson(),
      R"({"message":"x","source":{"ip":"203.0.113.5","port":22,"geo":{"country_iso_code":"CN"}}})");
  Object copy(top);
  Value from_copy(copy);  // by const&: `copy` is left as it was
  EXPECT_EQ(copy.size(), 2u);
  EXPECT_TRUE(from_copy == Value(top));
}

// Objects carved from one MemberBlock behave as any other: they outgrow their part, are moved,
// copied, erased from and destroyed in any order, and the block is freed by the last (the ASan
// build checks that the block is neither leaked nor used after it is freed; it does not see
// the parts' bounds inside it).
TEST(Value, ObjectsCarvedFromOneBlock) {
  auto* block = MemberBlock::Create(4 * sizeof(ObjectMember));
  Object top;
  Object& a = top.AppendObject(FieldKey("a"), 2, block);
  Object& b = top.AppendObject(FieldKey("b"), 2, block);
  // The block is full: this one gets an array of its own.
  Object& c = top.AppendObject(FieldKey("c"), 1, block);
  EXPECT_EQ(block->Carve(sizeof(ObjectMember)), nullptr);
  block->Done();  // the objects hold it now
  a.AppendAbsent(FieldKey("x"), 1);
  a.AppendAbsent(FieldKey("y"), std::string_view("a long text that is kept on the heap"));
  b.AppendAbsent(FieldKey("z"), 3);
  c.AppendAbsent(FieldKey("w"), 4);
  const Object* b_before = &b;
  // Beyond its part: `a` moves to an array of its own, `b` keeps its place.
  a.AppendAbsent(FieldKey("v"), 5);
  EXPECT_EQ(&top.Find("b")->as_object(), b_before);
  EXPECT_EQ(Value(top).ToJson(),
            R"({"a":{"x":1,"y":"a long text that is kept on the heap","v":5},"b":{"z":3},)"
            R"("c":{"w":4}})");
  Object copy(top);
  EXPECT_TRUE(Value(copy) == Value(top));

  // `b` leaves the event (moved out), outlives it, and is changed afterwards.
  Value kept = std::move(*top.Find("b"));
  EXPECT_TRUE(top.Erase("b"));
  top = Object();
  kept.as_object().AppendAbsent(FieldKey("u"), 6);
  EXPECT_TRUE(kept.as_object().Erase("z"));
  EXPECT_EQ(kept.ToJson(), R"({"u":6})");
  kept.as_object().Clear();
  EXPECT_TRUE(kept.as_object().empty());
  EXPECT_EQ(copy.size(), 3u);
}

// Members built in place in runs: the object grows before the run when it lacks room (so an
// object made in the run keeps its place), that object gets its room from a block, and a build
// that throws leaves the members built before it.
TEST(Value, AppendBuiltBuildsMembersInPlace) {
  Object top;
  top.Set("message", "x");  // room for 4
  auto* block = MemberBlock::Create(2 * sizeof(ObjectMember));
  Object* nested = nullptr;
  const char* names[] = {"a", "source", "b", "c", "d"};
  top.AppendBuilt(5, [&](ObjectMember* at, size_t i) {
    if (i == 1) {
      nested = &(new (at) ObjectMember(FieldKey("source"), Object()))->value.built_object();
      nested->ReserveIn(block, 2);
    } else {
      new (at) ObjectMember(FieldKey(names[i]), static_cast<int64_t>(i));
    }
  });
  block->Done();
  EXPECT_EQ(nested, &top.Find("source")->as_object());
  nested->AppendBuilt(2, [](ObjectMember* at, size_t i) {
    new (at)
        ObjectMember(FieldKey(i == 0 ? "ip" : "port"), i == 0 ? Value("203.0.113.5") : Value(22));
  });
  EXPECT_EQ(Value(top).ToJson(),
            R"({"message":"x","a":0,"source":{"ip":"203.0.113.5","port":22},"b":2,"c":3,"d":4})");

  EXPECT_THROW(top.AppendBuilt(3,
                               [](ObjectMember* at, size_t i) {
                                 if (i == 1) throw std::runtime_error("no room");
                                 new (at) ObjectMember(
                                     FieldKey("e"),
                                     std::string_view("a text long enough for the heap"));
                               }),
               std::runtime_error);
  EXPECT_EQ(top.size(), 7u);
  EXPECT_EQ(top.value(6).as_string(), "a text long enough for the heap");
}

// A block whose creator is done before or after its parts are released is freed once.
TEST(Value, MemberBlockIsFreedByTheLastReference) {
  MemberBlock::Create(sizeof(ObjectMember))->Done();  // never carved
  auto* block = MemberBlock::Create(2 * sizeof(ObjectMember));
  {
    Object top;
    top.AppendObject(FieldKey("a"), 1, block).AppendAbsent(FieldKey("x"), 1);
  }
  // Its one part was released; the creator may still carve.
  Object again;
  again.AppendObject(FieldKey("b"), 1, block).AppendAbsent(FieldKey("y"), 2);
  block->Done();
  EXPECT_EQ(Value(again).ToJson(), R"({"b":{"y":2}})");
}

// An object replaced by one of its own members (as `[a] = [a][b]` does): the member is taken
// before the old members are destroyed.
TEST(Value, ObjectTakesOneOfItsOwnMembers) {
  Value v(Object{});
  Object& outer = v.as_object();
  Object& inner = outer.AppendObject(FieldKey("inner"), 2);
  inner.AppendAbsent(FieldKey("x"), std::string_view("a text long enough for the heap"));
  outer.AppendAbsent(FieldKey("y"), 2);
  outer = std::move(outer.Find("inner")->as_object());
  EXPECT_EQ(v.ToJson(), R"({"x":"a text long enough for the heap"})");
  Object& self = v.as_object();
  Object& alias = self;
  self = std::move(alias);  // a self-move keeps the members
  EXPECT_EQ(v.ToJson(), R"({"x":"a text long enough for the heap"})");
}

TEST(Value, ErasingKeepsTheOrderOfTheRest) {
  Object o;
  for (const char* k : {"a", "b", "c", "d"}) o.Set(k, k);
  EXPECT_TRUE(o.Erase("b"));
  EXPECT_FALSE(o.Erase("b"));
  EXPECT_EQ(Value(o).ToJson(), R"({"a":"a","c":"c","d":"d"})");
  o.Set("b", 2);
  EXPECT_EQ(Value(o).ToJson(), R"({"a":"a","c":"c","d":"d","b":2})");
}

TEST(Json, ParsesNestedDocuments) {
  auto v = ParseJson(R"({"a":{"b":[1,2.5,"x",null,true]}})");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->ToJson(), R"({"a":{"b":[1,2.5,"x",null,true]}})");
}

TEST(Json, ErrorsGiveTheOffset) {
  auto v = ParseJson(R"({"a": })");
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.status().message().find("offset 6"), std::string::npos) << v.status().message();
}

TEST(Timestamp, FormatsLikeLogstash) {
  EXPECT_EQ(Timestamp::FromMillis(1399298137658).ToIso8601(), "2014-05-05T13:55:37.658Z");
  EXPECT_EQ(Timestamp(1399298137658123000).ToIso8601(), "2014-05-05T13:55:37.658123Z");
  EXPECT_EQ(Timestamp::FromSeconds(-1).ToIso8601(), "1969-12-31T23:59:59.000Z");
}

TEST(Timestamp, ParsesIso8601WithOffsets) {
  auto t = Timestamp::ParseIso8601("2025-11-30T00:00:20.570472-07:00");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->ToIso8601(), "2025-11-30T07:00:20.570472Z");
  EXPECT_FALSE(Timestamp::ParseIso8601("2025-13-01T00:00:00Z").has_value());
  EXPECT_FALSE(Timestamp::ParseIso8601("yesterday").has_value());
}

TEST(FieldRef, ParsesBracketsAndBareNames) {
  auto r = FieldRef::Parse("[geoip][location]");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->path(), (std::vector<std::string>{"geoip", "location"}));
  EXPECT_EQ(r->DottedName(), "geoip.location");
  EXPECT_EQ(FieldRef::Parse("a.b")->path().size(), 1u);
  EXPECT_FALSE(FieldRef::Parse("[a][b").ok());
  EXPECT_FALSE(FieldRef::Parse("a[b]").ok());
  EXPECT_FALSE(FieldRef::Parse("[]").ok());
}

TEST(Event, SetCreatesIntermediateObjects) {
  Event e;
  e.Set(FieldRef::Of("[geoip][location][lat]"), 1.5);
  ASSERT_NE(e.Get(FieldRef::Of("[geoip][location][lat]")), nullptr);
  EXPECT_EQ(e.ToJson(), R"({"geoip":{"location":{"lat":1.5}}})");
  EXPECT_TRUE(e.Remove(FieldRef::Of("[geoip][location]")));
  EXPECT_EQ(e.ToJson(), R"({"geoip":{}})");
}

TEST(Event, MetadataIsNotSerialized) {
  Event e = Event::FromMessage("hi", Timestamp::FromSeconds(0));
  e.Set(FieldRef::Of("[@metadata][index]"), "x");
  EXPECT_EQ(e.Get(FieldRef::Of("[@metadata][index]"))->as_string(), "x");
  EXPECT_EQ(e.ToJson(),
            R"({"message":"hi","@version":"1","@timestamp":"1970-01-01T00:00:00.000Z"})");
}

TEST(Event, TagsStayUnique) {
  Event e;
  e.AddTag("a");
  e.AddTag("a");
  e.AddTag("b");
  EXPECT_TRUE(e.HasTag("b"));
  e.RemoveTag("a");
  EXPECT_EQ(e.GetTop("tags")->ToJson(), R"(["b"])");
}

}  // namespace
}  // namespace perimeter
