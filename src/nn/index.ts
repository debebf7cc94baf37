// The torch.nn namespace: `import { nn } from "torchlette"` then `new nn.Linear(30, 200)`,
// `nn.functional.cross_entropy(...)`, `nn.init.normal_(...)`, `nn.utils.clip_grad_norm_(...)`.
export { Module, type StateDict } from "./module.js";
export { Parameter } from "./parameter.js";
export { Sequential, ModuleList, ModuleDict } from "./containers.js";
export { AssertionError } from "../errors.js";
export {
  Linear,
  Identity,
  Flatten,
  Embedding,
  _BatchNorm,
  BatchNorm1d,
  LayerNorm,
  Dropout,
  Tanh,
  Sigmoid,
  ReLU,
  GELU,
  Softmax,
  type LinearOptions,
  type EmbeddingOptions,
  type BatchNormOptions,
  type LayerNormOptions,
} from "./layers.js";
export * as functional from "./functional.js";
export * as init from "./init.js";
export * as utils from "./utils.js";
