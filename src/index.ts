// `import * as torch from "torchlette"` or `import torch from "torchlette"`: the same namespace.
export * from "./api.js";
import * as torch from "./api.js";
export default torch;
