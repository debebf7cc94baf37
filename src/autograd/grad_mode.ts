// torch.no_grad / enable_grad / is_grad_enabled. Both a scope function and a guard object that
// works with `using` (Symbol.dispose) or try/finally.
let enabled = true;

export function is_grad_enabled(): boolean {
  return enabled;
}
export function set_grad_enabled(mode: boolean): void {
  enabled = mode;
}

export interface GradGuard {
  [Symbol.dispose](): void;
  exit(): void;
}

function guard(mode: boolean): GradGuard {
  const prev = enabled;
  enabled = mode;
  let done = false;
  const exit = () => {
    if (!done) {
      done = true;
      enabled = prev;
    }
  };
  return { exit, [Symbol.dispose]: exit };
}

function scoped(mode: boolean) {
  function f(): GradGuard;
  function f<T>(fn: () => T): T;
  function f<T>(fn?: () => T): T | GradGuard {
    if (fn === undefined) return guard(mode);
    const g = guard(mode);
    try {
      return fn();
    } finally {
      g.exit();
    }
  }
  return f;
}

/** `torch.no_grad(() => ...)` or `using _ = torch.no_grad()` */
export const no_grad = scoped(false);
export const enable_grad = scoped(true);
