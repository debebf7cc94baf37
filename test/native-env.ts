// The frame the native-kernel test files share: skipped under TORCHLETTE_BACKEND=js, a failing
// "loads" test where the addon should have loaded and did not, and the kernel sets this CPU runs.
import { it } from "node:test";
import assert from "node:assert/strict";
import { native, nativeUnavailableReason, type NativeBinding } from "../src/backend/native.js";

export const nativeSkip: string | false = process.env.TORCHLETTE_BACKEND === "js" ? "TORCHLETTE_BACKEND=js" : false;

/** Inside a describe: the addon, or null after registering a failing "loads" test. */
export function addonOrFail(): NativeBinding | null {
  if (native === null) it("loads", () => assert.fail(`native addon not loaded: ${nativeUnavailableReason}`));
  return native;
}

/** The kernel sets (`set_isa` names) this CPU can run. */
export function supportedIsas(nat: NativeBinding): string[] {
  return ["avx512", "avx2", "generic"].filter((x) => nat.isa_supported(x));
}

/** Runs fn on every kernel set this CPU runs, then switches back to the set in use before. */
export function onEveryIsa(nat: NativeBinding, fn: (isa: string) => void): void {
  const isa0 = nat.isa();
  try {
    for (const isa of supportedIsas(nat)) {
      assert.ok(nat.set_isa(isa));
      fn(isa);
    }
  } finally {
    nat.set_isa(isa0);
  }
}
