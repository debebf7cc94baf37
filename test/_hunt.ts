import * as torch from "../src/index.js";
import * as mlp from "../examples/makemore-mlp.js";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
const F = torch.nn.functional;
const py = JSON.parse(readFileSync("/tmp/hunt/py.json", "utf8"));
const H = (t: torch.Tensor) => { const c = t.detach().contiguous(); const a = c._storage.data as Float32Array; const v = a.subarray(c._offset, c._offset + c.numel()); return createHash("sha256").update(Buffer.from(v.buffer, v.byteOffset, v.byteLength)).digest("hex").slice(0, 12); };
const s = mlp.makeSplits();
const m = mlp.initMLP();
const names = ["C", "W1", "W2", "b2", "bngain", "bnbias"];
for (let i = 0; i < py.length; i++) {
  const ix = torch.randint(0, s.Xtr.shape[0], [32], { generator: m.g });
  const Xb = s.Xtr.get(ix), Yb = s.Ytr.get(ix);
  const emb = m.C.get(Xb); const embcat = emb.view(emb.shape[0], -1);
  const hpre0 = embcat.matmul(m.W1);
  const bnmeani = hpre0.mean(0, true); const bnstdi = hpre0.std({ dim: 0, keepdim: true });
  const hpreact = m.bngain.mul(hpre0.sub(bnmeani)).div(bnstdi).add(m.bnbias);
  const h = torch.tanh(hpreact); const logits = h.matmul(m.W2).add(m.b2);
  const loss = F.cross_entropy(logits, Yb);
  for (const t of [hpre0, bnmeani, bnstdi, hpreact, h, logits]) t.retain_grad();
  for (const p of m.parameters) p.grad = null;
  loss.backward();
  const rec = { loss: H(loss), fwd: [hpre0, bnmeani, bnstdi, hpreact, h, logits].map(H), tgrad: [logits, h, hpreact, bnstdi, bnmeani, hpre0].map((t) => H(t.grad!)), grads: m.parameters.map((p) => H(p.grad!)) };
  for (const p of m.parameters) p.data.add_(p.grad!.mul(-0.1));
  const params = m.parameters.map(H);
  const P = py[i];
  const bad: string[] = [];
  if (rec.loss !== P.loss) bad.push("loss");
  rec.fwd.forEach((h, k) => h !== P.fwd[k] && bad.push(`fwd ${["hpre0", "bnmeani", "bnstdi", "hpreact", "h", "logits"][k]}`));
  rec.tgrad.forEach((h, k) => h !== P.tgrad[k] && bad.push(`grad ${["logits", "h", "hpreact", "bnstdi", "bnmeani", "hpre0"][k]}`));
  rec.grads.forEach((h, k) => h !== P.grads[k] && bad.push(`pgrad ${names[k]}`));
  params.forEach((h, k) => h !== P.params[k] && bad.push(`param ${names[k]}`));
  if (bad.length) { console.log("step", i, bad.join(", ")); break; }
}
console.log("done");
