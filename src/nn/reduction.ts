// torch.nn._reduction: the `reduction` argument of the losses and the deprecated size_average /
// reduce pair it replaced (shared by nn.functional's losses and nn's loss modules).
import { ValueError } from "../errors.js";
import { warn } from "../warnings.js";

export type Reduction = "none" | "mean" | "sum";
export interface LegacyReduction {
  size_average?: boolean | null;
  reduce?: boolean | null;
  reduction?: string;
}
/** `reduction`, or the deprecated size_average/reduce pair (torch.nn._reduction). */
export function reductionOf(o: LegacyReduction): Reduction {
  if ((o.size_average !== undefined && o.size_average !== null) || (o.reduce !== undefined && o.reduce !== null)) {
    const sa = o.size_average ?? true;
    const rd = o.reduce ?? true;
    warn("size_average and reduce args will be deprecated, please use reduction='" + (sa && rd ? "mean" : rd ? "sum" : "none") + "' instead.");
    return sa && rd ? "mean" : rd ? "sum" : "none";
  }
  const r = o.reduction ?? "mean";
  if (r !== "none" && r !== "mean" && r !== "sum") throw new ValueError(`${r} is not a valid value for reduction`);
  return r;
}

/** What nn's loss modules keep as `reduction`: the legacy pair decides (with its warning) when
 * either is given; otherwise the string as given, checked when the loss runs, as in PyTorch. */
export function moduleReduction(o: LegacyReduction): string {
  const legacy = (o.size_average !== undefined && o.size_average !== null) || (o.reduce !== undefined && o.reduce !== null);
  return legacy ? reductionOf(o) : (o.reduction ?? "mean");
}
