// Copyright 2026 The Moirai Authors.
//
// tools/cli/compare.cc
// -----------------------------------------------------------------------------

#include "moirai/tools/cli/compare.h"

#include <cmath>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace moirai::cli {

PairingResult PairResults(absl::string_view package,
                          const std::vector<CaseResult>& results) {
  PairingResult out;
  // Results grouped by (case, variant), keeping first-appearance order.
  using Key = std::pair<std::string, std::string>;
  std::vector<Key> order;
  std::map<Key, std::vector<const CaseResult*>> groups;
  for (const CaseResult& r : results) {
    if (!r.median_ns) {
      out.failed.push_back(r.name);
      continue;
    }
    if (r.impl.empty()) {
      out.unpaired.push_back(r.name);
      continue;
    }
    Key key{r.case_name, r.variant};
    auto [it, inserted] = groups.try_emplace(key);
    if (inserted) order.push_back(key);
    it->second.push_back(&r);
  }
  for (const Key& key : order) {
    const std::vector<const CaseResult*>& group = groups[key];
    std::vector<const CaseResult*> mine, peers;
    for (const CaseResult* r : group) {
      (IsMoiraiImpl(r->impl) ? mine : peers).push_back(r);
    }
    if (mine.empty() || peers.empty()) {
      for (const CaseResult* r : group) out.unpaired.push_back(r->name);
      continue;
    }
    for (const CaseResult* m : mine) {
      for (const CaseResult* p : peers) {
        // A zero time (an empty loop the compiler removed) gives no
        // meaningful ratio; such a pair is listed as unpaired instead.
        if (!(*m->median_ns > 0) || !(*p->median_ns > 0)) {
          out.unpaired.push_back(m->name + " vs " + p->name + " (zero time)");
          continue;
        }
        Comparison c;
        c.package = std::string(package);
        c.case_name = key.first;
        c.variant = key.second;
        c.moirai_impl = m->impl;
        c.peer = p->impl;
        c.moirai_ns = *m->median_ns;
        c.peer_ns = *p->median_ns;
        c.ratio = c.moirai_ns / c.peer_ns;
        c.moirai_cv = m->cv;
        c.peer_cv = p->cv;
        if (m->cv && p->cv) {
          c.spread = std::sqrt(*m->cv * *m->cv + *p->cv * *p->cv);
        }
        out.comparisons.push_back(std::move(c));
      }
    }
  }
  return out;
}

}  // namespace moirai::cli
