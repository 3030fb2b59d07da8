// Copyright 2026 The Moirai Authors.

#include "moirai/distributed/function_registry.h"

#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "distributed/proto/task.pb.h"
#include "gtest/gtest.h"

namespace moirai::distributed {
namespace {

int Add(int a, int b) { return a + b; }
int AddLong(long a, int b) { return static_cast<int>(a) + b; }  // NOLINT
std::string Join(const std::vector<std::string>& parts, std::string sep) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : sep) + p;
  return out;
}
void Nothing() {}
absl::StatusOr<int> Checked(int x) {
  if (x < 0) return absl::OutOfRangeError("negative");
  return x;
}
int Throws(int) { throw std::runtime_error("boom"); }
int TakesPointer(std::unique_ptr<int> p) { return *p; }
std::string ProtoNode(const v1::TaskRef& r) { return r.node(); }

TEST(SignatureTest, SpelledFromOwnTypeNames) {
  EXPECT_EQ(SignatureString<&Add>(), "i32(i32,i32)");
  EXPECT_EQ(SignatureString<&Join>(), "string(vector<string>,string)");
  EXPECT_EQ(SignatureString<&Nothing>(), "void()");
  EXPECT_EQ(SignatureString<&Checked>(), "statusor<i32>(i32)");
  EXPECT_EQ(SignatureString<&ProtoNode>(),
            "string(proto<moirai.distributed.v1.TaskRef>)");
  // Stable: a fixed value, not a per-build one.
  EXPECT_EQ(SignatureHash<&Add>(), internal::Fnv1a("i32(i32,i32)"));
  EXPECT_NE(SignatureHash<&Add>(), SignatureHash<&AddLong>());
}

TEST(FunctionRegistryTest, ResolvesByNameAndChecksSignature) {
  FunctionRegistry r;
  ASSERT_TRUE(r.Register<&Add>("add", {.idempotent = true}).ok());
  auto e = r.Resolve("add", SignatureHash<&Add>(), kRoleClient);
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_TRUE((*e)->options.idempotent);
  EXPECT_TRUE(absl::IsNotFound(
      r.Resolve("sub", SignatureHash<&Add>(), kRoleClient).status()));
  auto mismatch = r.Resolve("add", SignatureHash<&AddLong>(), kRoleClient);
  EXPECT_TRUE(absl::IsInvalidArgument(mismatch.status())) << mismatch.status();
  EXPECT_EQ(*r.NameOf<&Add>(), "add");
  EXPECT_TRUE(absl::IsNotFound(r.NameOf<&AddLong>().status()));
}

TEST(FunctionRegistryTest, RefusesDuplicatesAndEmptyNames) {
  FunctionRegistry r;
  ASSERT_TRUE(r.Register<&Add>("add").ok());
  EXPECT_TRUE(absl::IsAlreadyExists(r.Register<&AddLong>("add")));
  EXPECT_TRUE(absl::IsAlreadyExists(r.Register<&Add>("plus")));
  EXPECT_TRUE(absl::IsInvalidArgument(r.Register<&Nothing>("")));
  EXPECT_TRUE(absl::IsInvalidArgument(
      r.Register<&Nothing>("n", {.allowed_roles = {}})));
}

TEST(FunctionRegistryTest, RolesAreChecked) {
  FunctionRegistry r;
  ASSERT_TRUE(r.Register<&Add>("add", {.allowed_roles = {"node"}}).ok());
  EXPECT_TRUE(r.Resolve("add", SignatureHash<&Add>(), kRoleNode).ok());
  EXPECT_TRUE(absl::IsPermissionDenied(
      r.Resolve("add", SignatureHash<&Add>(), kRoleClient).status()));
}

TEST(FunctionRegistryTest, InvokesEncodedArgs) {
  FunctionRegistry r;
  ASSERT_TRUE(r.Register<&Join>("join").ok());
  ASSERT_TRUE(r.Register<&Checked>("checked").ok());
  ASSERT_TRUE(r.Register<&Throws>("throws").ok());
  ASSERT_TRUE(r.Register<&Nothing>("nothing").ok());
  const FunctionEntry* join = r.Find("join");
  auto out = join->invoke_encoded(
      EncodeToString(
          std::tuple<std::vector<std::string>, std::string>{{"a", "b"}, "-"}),
      DecodeLimits());
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(*DecodeAll<std::string>(*out), "a-b");
  // Garbage args: a status, F never runs.
  EXPECT_TRUE(absl::IsInvalidArgument(
      join->invoke_encoded("xx", DecodeLimits()).status()));
  auto err = r.Find("checked")->invoke_encoded(
      EncodeToString(std::tuple<int>{-1}), DecodeLimits());
  EXPECT_TRUE(absl::IsOutOfRange(err.status()));
  auto thrown = r.Find("throws")->invoke_encoded(
      EncodeToString(std::tuple<int>{1}), DecodeLimits());
  EXPECT_TRUE(absl::IsUnknown(thrown.status()));
  EXPECT_NE(thrown.status().message().find("boom"), std::string::npos);
  auto nothing = r.Find("nothing")->invoke_encoded(
      EncodeToString(std::tuple<>{}), DecodeLimits());
  EXPECT_TRUE(nothing.ok());
}

TEST(FunctionRegistryTest, UnserializableFunctionsAreInProcessOnly) {
  FunctionRegistry r;
  ASSERT_TRUE(r.Register<&TakesPointer>("ptr").ok());
  const FunctionEntry* e = r.Find("ptr");
  ASSERT_NE(e, nullptr);
  EXPECT_FALSE(static_cast<bool>(e->invoke_encoded));
  EXPECT_NE(e->wire_error.find("without a codec"), std::string::npos);
}

}  // namespace
}  // namespace moirai::distributed
