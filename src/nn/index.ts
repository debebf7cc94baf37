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
  type LinearOptions,
  type EmbeddingOptions,
  type BatchNormOptions,
  type LayerNormOptions,
} from "./layers.js";
export {
  Tanh,
  Sigmoid,
  ReLU,
  GELU,
  Softmax,
  LeakyReLU,
  ELU,
  CELU,
  SELU,
  GLU,
  Hardtanh,
  ReLU6,
  SiLU,
  Mish,
  Hardswish,
  Hardsigmoid,
  LogSigmoid,
  Softsign,
  Tanhshrink,
  Softplus,
  Softshrink,
  Hardshrink,
  Softmin,
  LogSoftmax,
  PReLU,
} from "./activation.js";
export { L1Loss, MSELoss, NLLLoss, CrossEntropyLoss, BCELoss, BCEWithLogitsLoss, SmoothL1Loss, HuberLoss, KLDivLoss } from "./loss.js";
export * as functional from "./functional.js";
export * as init from "./init.js";
export * as utils from "./utils.js";
