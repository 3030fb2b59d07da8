// `@moirai//rt` alone: the README's rt example.
#include "expect.h"
#include "moirai/rt/admission_controller.h"

int main() {
  using moirai::rt::kMillisecond;
  using moirai::rt::TaskSpec;
  auto ac = moirai::rt::AdmissionController::Create(
                {.cores = 2, .policy = moirai::rt::Policy::kEdf})
                .value();
  auto ctl =
      ac.Admit(TaskSpec::Periodic("ctl", 2 * kMillisecond, 5 * kMillisecond));
  EXPECT(ctl.ok() && ctl->handle.core == 0 && ctl->verdict.accepted);
  absl::StatusOr<moirai::rt::Admission> big =
      ac.Admit(TaskSpec::Periodic("big", 9 * kMillisecond, 10 * kMillisecond));
  EXPECT(big.ok() && big->handle.core == 1);
  absl::StatusOr<moirai::rt::Admission> third =
      ac.Admit(TaskSpec::Periodic("big2", 9 * kMillisecond, 10 * kMillisecond));
  EXPECT(absl::IsResourceExhausted(third.status()));
  return 0;
}
