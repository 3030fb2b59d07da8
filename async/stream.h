// Copyright 2026 The Moirai Authors.
//
// async/stream.h
// -----------------------------------------------------------------------------
//
// `Stream<T>`: a lazy, pull-based sequence that may wait between items (for
// example, items arriving on a Channel). Adaptors compose without spawning
// fibers: each Next() pulls through the chain on the caller's fiber.
//
//   async::Channel<int> ch(64);                 // fed by some producer fiber
//   auto evens = async::Stream<int>::FromChannel(&ch)
//                    .Filter([](const int& x) { return x % 2 == 0; })
//                    .Map([](int x) { return x * 10; })
//                    .Take(5);
//   absl::StatusOr<std::vector<int>> first5 = std::move(evens).Collect();
//
// Next() returns the next item, std::nullopt at the end (a closed and drained
// channel, an exhausted vector, a satisfied Take), or an error (a cancelled
// or timed-out wait, or an error the source reports). Errors end the stream.

#ifndef MOIRAI_ASYNC_STREAM_H_
#define MOIRAI_ASYNC_STREAM_H_

#include <cstddef>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "moirai/async/channel.h"

namespace moirai::async {

template <typename T>
class Stream {
 public:
  using Item = absl::StatusOr<std::optional<T>>;
  using Source = absl::AnyInvocable<Item()>;

  // Stream::Stream()
  //
  // A stream whose items come from `source` (called until it returns
  // std::nullopt or an error).
  explicit Stream(Source source) : source_(std::move(source)) {}
  Stream(Stream&&) = default;
  Stream& operator=(Stream&&) = default;

  // Stream::FromChannel()
  //
  // Receives from `*ch` (not owned) until it is closed and drained.
  static Stream FromChannel(Channel<T>* ch) {
    return Stream([ch]() -> Item {
      absl::StatusOr<T> v = ch->Recv();
      if (v.ok()) return std::optional<T>(*std::move(v));
      if (absl::IsOutOfRange(v.status())) return std::optional<T>();
      return v.status();
    });
  }

  // Stream::FromVector()
  static Stream FromVector(std::vector<T> items) {
    return Stream(
        [items = std::move(items), i = std::size_t{0}]() mutable -> Item {
          if (i == items.size()) return std::optional<T>();
          return std::optional<T>(std::move(items[i++]));
        });
  }

  // Stream::Next()
  //
  // See the file comment. After the end or an error, keeps returning the end.
  Item Next() {
    if (done_) return std::optional<T>();
    Item item = source_();
    if (!item.ok() || !item->has_value()) done_ = true;
    return item;
  }

  // Stream::Map()
  //
  // Applies `f(T) -> U` to each item.
  template <typename F>
  auto Map(F f) && -> Stream<std::invoke_result_t<F&, T>> {
    using U = std::invoke_result_t<F&, T>;
    return Stream<U>([self = std::move(*this), f = std::move(f)]() mutable ->
                     typename Stream<U>::Item {
                       Item item = self.Next();
                       if (!item.ok()) return item.status();
                       if (!item->has_value()) return std::optional<U>();
                       return std::optional<U>(f(std::move(**item)));
                     });
  }

  // Stream::Filter()
  //
  // Keeps the items for which `pred(const T&)` is true.
  template <typename P>
  Stream Filter(P pred) && {
    return Stream(
        [self = std::move(*this), pred = std::move(pred)]() mutable -> Item {
          for (;;) {
            Item item = self.Next();
            if (!item.ok() || !item->has_value() || pred(**item)) return item;
          }
        });
  }

  // Stream::Take()
  //
  // At most `n` items; stops pulling from the source after the n-th.
  Stream Take(std::size_t n) && {
    return Stream([self = std::move(*this), n]() mutable -> Item {
      if (n == 0) return std::optional<T>();
      --n;
      return self.Next();
    });
  }

  // Stream::Collect()
  //
  // Pulls every item into a vector; the first error is returned instead.
  absl::StatusOr<std::vector<T>> Collect() && {
    std::vector<T> out;
    for (;;) {
      Item item = Next();
      if (!item.ok()) return item.status();
      if (!item->has_value()) return out;
      out.push_back(std::move(**item));
    }
  }

 private:
  Source source_;
  bool done_ = false;
};

}  // namespace moirai::async

#endif  // MOIRAI_ASYNC_STREAM_H_
