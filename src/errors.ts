// PyTorch raises Python exception classes; users port `except RuntimeError` checks, so the
// package exports classes with the same names (TypeError shadows the global one on purpose).
class TorchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}
export class RuntimeError extends TorchError {}
export class IndexError extends TorchError {}
export class ValueError extends TorchError {}
class TorchTypeError extends TorchError {}
Object.defineProperty(TorchTypeError, "name", { value: "TypeError" });
export { TorchTypeError as TypeError };
export class NotImplementedError extends TorchError {}
/** Python's AssertionError, raised by the `assert` statements in PyTorch's module constructors. */
export class AssertionError extends TorchError {}
