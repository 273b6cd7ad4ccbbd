#!/usr/bin/python3
"""Numerics fixtures for the checkpoint loader and GPTEngine, produced by an independent implementation.

llm.c style: a tiny GPT-2 written in plain PyTorch with Hugging Face GPT-2's parameter names, its Conv1D
(in, out) weight layout and its exact math (tanh GELU "gelu_new", causal mask filled with the dtype's min,
scores / sqrt(head size), LayerNorm eps 1e-5, learned positions, tied head), run in float64 on a fixed batch.
For each fixture directory it writes

  config.json              GPT2Config keys (+ our variant keys)
  model.safetensors        the parameters, float32, named and laid out as Hugging Face saves GPT-2
  reference.safetensors    tokens, targets (I32), logits, and grad.<name> for every parameter (F32)
  reference.json           the loss, and loss + gradient norm of the first 10 AdamW steps

Fixtures: `gpt2-tiny` (GPT-2 exactly; the file looks like the Hub's gpt2 checkpoint: no `transformer.`
prefix, no lm_head (tied), boolean `attn.bias` causal-mask buffers and `attn.masked_bias`, which a loader must
skip) and `variant-tiny` (what GPT-2 lacks: post-norm, ReLU, sinusoidal positions, untied head, no linear
biases; saved like GPT2LMHeadModel.save_pretrained: `transformer.` prefix plus `lm_head.weight`).

Debian's python3-torch (1.13) has no transformers or safetensors packages, so the safetensors writer is here
(struct + json). Parameters are drawn in float64, rounded to float32 once, and the reference is computed from
exactly those float32 values in float64.

Run: /usr/bin/python3 scripts/make-fixture.py     (apt-get install -y python3-torch python3-numpy)

The other direction: `make-fixture.py --check DIR` loads a checkpoint directory written by wasm-gpt into this
model under Hugging Face's loading rules (safetensors metadata format "pt"; names all prefixed `transformer.`
or all bare, and bare names never beside an `lm_head.weight`, which from_pretrained rejects as corrupted; no
missing or unexpected parameter), reads {"tokens": [[...]]} from stdin and prints {"logits": [...]} (float64).
"""
import json
import math
import os
import struct
import sys

import torch
import torch.nn.functional as F

FIXTURE_VERSION = 1
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tests', 'fixtures')
DT = torch.float64

# AdamW as the Trainer runs it: decay on the 2-D block weights and an untied head only (not on embeddings,
# biases or LayerNorm: the `decay` flags of src/model/layout.ts), global-norm clipping at 1.0.
ADAMW = dict(lr=1e-2, beta1=0.9, beta2=0.95, eps=1e-8, weight_decay=0.1, clip=1.0, steps=10)
DECAYED = ('attn.c_attn.weight', 'attn.c_proj.weight', 'mlp.c_fc.weight', 'mlp.c_proj.weight', 'lm_head.weight')


# ---- safetensors --------------------------------------------------------------------------------------------

DTYPES = {torch.float32: 'F32', torch.int32: 'I32', torch.bool: 'BOOL'}


def write_safetensors(path, tensors, metadata):
    """tensors: list of (name, tensor); written in order, header padded with spaces to 8 bytes."""
    header, blobs, offset = {'__metadata__': metadata}, [], 0
    for name, t in tensors:
        t = t.detach().contiguous().cpu()
        raw = t.numpy().tobytes()  # numpy is little-endian on every platform torch runs on here
        header[name] = {'dtype': DTYPES[t.dtype], 'shape': list(t.shape), 'data_offsets': [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(',', ':')).encode('utf-8')
    text += b' ' * (-len(text) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(text)))
        f.write(text)
        for raw in blobs:
            f.write(raw)


def read_safetensors(path):
    """F32 tensors of a safetensors file as float64 torch tensors, plus the metadata."""
    with open(path, 'rb') as f:
        raw = f.read()
    (n,) = struct.unpack('<Q', raw[:8])
    header = json.loads(raw[8:8 + n].decode('utf-8'))
    metadata = header.pop('__metadata__', {})
    tensors = {}
    for name, e in header.items():
        assert e['dtype'] == 'F32', f'{path}: {name} is {e["dtype"]}'
        start, end = e['data_offsets']
        data = torch.frombuffer(bytearray(raw[8 + n + start:8 + n + end]), dtype=torch.float32)
        tensors[name] = data.reshape(e['shape']).to(DT)
    return tensors, metadata


# ---- the model (Hugging Face GPT-2's modules and names, plus our variants) -----------------------------------

class Conv1D(torch.nn.Module):
    """HF's Conv1D: y = x @ weight + bias, weight stored (in, out)."""

    def __init__(self, n_in, n_out, bias):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.empty(n_in, n_out, dtype=DT))
        self.bias = torch.nn.Parameter(torch.empty(n_out, dtype=DT)) if bias else None

    def forward(self, x):
        y = x @ self.weight
        return y + self.bias if self.bias is not None else y


def gelu_new(x):
    # HF's NewGELUActivation (the tanh approximation GPT-2 was trained with).
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


class Attention(torch.nn.Module):
    def __init__(self, cfg):
        super().__init__()
        C, T = cfg['n_embd'], cfg['n_positions']
        self.n_head = cfg['n_head']
        self.c_attn = Conv1D(C, 3 * C, cfg['bias'])
        self.c_proj = Conv1D(C, C, cfg['bias'])
        # The buffers older HF GPT-2 checkpoints carry; not parameters.
        self.register_buffer('bias', torch.tril(torch.ones(T, T, dtype=torch.bool)).view(1, 1, T, T))
        self.register_buffer('masked_bias', torch.tensor(-1e4))

    def forward(self, x):
        B, T, C = x.shape
        hs = C // self.n_head
        q, k, v = self.c_attn(x).split(C, dim=2)
        q, k, v = (t.view(B, T, self.n_head, hs).transpose(1, 2) for t in (q, k, v))  # (B, NH, T, hs)
        w = (q @ k.transpose(-1, -2)) / (hs ** 0.5)
        w = torch.where(self.bias[:, :, :T, :T], w, torch.tensor(torch.finfo(w.dtype).min, dtype=w.dtype))
        y = torch.softmax(w, dim=-1) @ v
        return self.c_proj(y.transpose(1, 2).contiguous().view(B, T, C))


class MLP(torch.nn.Module):
    def __init__(self, cfg):
        super().__init__()
        C = cfg['n_embd']
        self.c_fc = Conv1D(C, 4 * C, cfg['bias'])
        self.c_proj = Conv1D(4 * C, C, cfg['bias'])
        self.act = gelu_new if cfg['activation_function'] == 'gelu_new' else torch.relu

    def forward(self, x):
        return self.c_proj(self.act(self.c_fc(x)))


class Block(torch.nn.Module):
    def __init__(self, cfg):
        super().__init__()
        C, eps = cfg['n_embd'], cfg['layer_norm_epsilon']
        self.ln_1 = torch.nn.LayerNorm(C, eps=eps, dtype=DT)
        self.attn = Attention(cfg)
        self.ln_2 = torch.nn.LayerNorm(C, eps=eps, dtype=DT)
        self.mlp = MLP(cfg)
        self.pre = cfg['norm_placement'] == 'pre'

    def forward(self, x):
        if self.pre:  # GPT-2
            x = x + self.attn(self.ln_1(x))
            return x + self.mlp(self.ln_2(x))
        x = self.ln_1(x + self.attn(x))  # the original Transformer
        return self.ln_2(x + self.mlp(x))


def sinusoidal(T, C):
    # sin on even channels, cos on odd, angle pos / 10000^(2i/C) with i = channel // 2 (the encoder kernels').
    out = torch.zeros(T, C, dtype=DT)
    pos = torch.arange(T, dtype=DT)
    for ch in range(0, C, 2):
        angle = pos / 10000 ** ((2 * (ch // 2)) / C)
        out[:, ch] = torch.sin(angle)
        if ch + 1 < C:
            out[:, ch + 1] = torch.cos(angle)
    return out


class GPT2Model(torch.nn.Module):
    def __init__(self, cfg):
        super().__init__()
        V, T, C = cfg['vocab_size'], cfg['n_positions'], cfg['n_embd']
        self.wte = torch.nn.Embedding(V, C, dtype=DT)
        self.learned = cfg['positional_encoding'] == 'learned'
        if self.learned:
            self.wpe = torch.nn.Embedding(T, C, dtype=DT)
        else:
            self.register_buffer('pos_table', sinusoidal(T, C), persistent=False)
        self.h = torch.nn.ModuleList(Block(cfg) for _ in range(cfg['n_layer']))
        self.pre = cfg['norm_placement'] == 'pre'
        if self.pre:  # post-norm blocks already end in a LayerNorm
            self.ln_f = torch.nn.LayerNorm(C, eps=cfg['layer_norm_epsilon'], dtype=DT)

    def forward(self, idx):
        T = idx.shape[1]
        pos = self.wpe.weight[:T] if self.learned else self.pos_table[:T]
        x = self.wte(idx) + pos
        for block in self.h:
            x = block(x)
        return self.ln_f(x) if self.pre else x


class GPT2LMHeadModel(torch.nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.transformer = GPT2Model(cfg)
        self.lm_head = torch.nn.Linear(cfg['n_embd'], cfg['vocab_size'], bias=False, dtype=DT)
        self.tied = cfg['tie_word_embeddings']
        if self.tied:
            self.lm_head.weight = self.transformer.wte.weight

    def forward(self, idx, targets):
        logits = self.lm_head(self.transformer(idx))
        return logits, F.cross_entropy(logits.view(-1, logits.shape[-1]), targets.view(-1))

    def named_params(self):
        """Parameter names as GPT2LMHeadModel's state dict has them (the tied head is wte, listed once)."""
        return [(n, p) for n, p in self.named_parameters()]


# ---- fixtures ---------------------------------------------------------------------------------------------

def init_params(model, seed):
    """Fixed-seed values large enough that every path carries signal at this size; float32-representable."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_params():
            if '.ln_' in name or name.startswith('transformer.ln_f'):
                base = 1.0 if name.endswith('weight') else 0.0
                p.copy_(base + 0.1 * torch.randn(p.shape, generator=g, dtype=DT))
            elif name.endswith('bias'):
                p.copy_(0.05 * torch.randn(p.shape, generator=g, dtype=DT))
            elif 'wte' in name or 'wpe' in name or 'lm_head' in name:
                p.copy_(0.3 * torch.randn(p.shape, generator=g, dtype=DT))
            else:
                p.copy_(0.2 * torch.randn(p.shape, generator=g, dtype=DT))
            p.copy_(p.to(torch.float32).to(DT))


def batch(cfg, B, T, seed):
    g = torch.Generator().manual_seed(seed)
    seq = torch.randint(0, cfg['vocab_size'], (B, T + 1), generator=g)
    return seq[:, :-1].contiguous(), seq[:, 1:].contiguous()


def adamw_losses(model, tokens, targets):
    decay = [p for n, p in model.named_params() if n.endswith(DECAYED)]
    rest = [p for n, p in model.named_params() if not n.endswith(DECAYED)]
    opt = torch.optim.AdamW([{'params': decay, 'weight_decay': ADAMW['weight_decay']},
                             {'params': rest, 'weight_decay': 0.0}],
                            lr=ADAMW['lr'], betas=(ADAMW['beta1'], ADAMW['beta2']), eps=ADAMW['eps'])
    losses, norms = [], []
    for _ in range(ADAMW['steps']):
        opt.zero_grad(set_to_none=True)
        _, loss = model(tokens, targets)
        loss.backward()
        norms.append(torch.nn.utils.clip_grad_norm_(model.parameters(), ADAMW['clip']).item())
        losses.append(loss.item())
        opt.step()
    return losses, norms


def make(name, cfg, hub_style, B, T, seed):
    torch.manual_seed(seed)
    model = GPT2LMHeadModel(cfg)
    init_params(model, seed)
    tokens, targets = batch(cfg, B, T, seed + 1)
    out = os.path.join(ROOT, name)
    os.makedirs(out, exist_ok=True)

    with open(os.path.join(out, 'config.json'), 'w') as f:
        json.dump(cfg, f, indent=2)
        f.write('\n')

    # model.safetensors: parameters and buffers in state-dict order, as the chosen HF version would save them.
    entries = []
    for key, t in model.state_dict().items():
        if key == 'lm_head.weight' and model.tied:
            continue  # HF drops the tied duplicate
        is_buffer = key.endswith(('attn.bias', 'attn.masked_bias'))
        if is_buffer and not hub_style:
            continue  # newer transformers no longer persist the mask buffers
        if hub_style:
            key = key[len('transformer.'):] if key.startswith('transformer.') else key
        entries.append((key, t if t.dtype == torch.bool else t.to(torch.float32)))
    write_safetensors(os.path.join(out, 'model.safetensors'), entries, {'format': 'pt'})

    logits, loss = model(tokens, targets)
    loss.backward()
    ref = [('tokens', tokens.to(torch.int32)), ('targets', targets.to(torch.int32)),
           ('logits', logits.to(torch.float32))]
    ref += [('grad.' + n, p.grad.to(torch.float32)) for n, p in model.named_params()]
    write_safetensors(os.path.join(out, 'reference.safetensors'), ref,
                      {'format': 'wasm-gpt-fixture', 'version': str(FIXTURE_VERSION)})

    losses, norms = adamw_losses(model, tokens, targets)
    assert abs(losses[0] - loss.item()) < 1e-12
    with open(os.path.join(out, 'reference.json'), 'w') as f:
        json.dump({
            'format': 'wasm-gpt-fixture', 'version': FIXTURE_VERSION,
            'generator': 'scripts/make-fixture.py', 'torch': torch.__version__, 'dtype': 'float64',
            'B': B, 'T': T, 'loss': loss.item(),
            'adamw': {**ADAMW, 'decayed': list(DECAYED)},
            'losses': losses, 'grad_norms': norms,
        }, f, indent=2)
        f.write('\n')
    size = sum(os.path.getsize(os.path.join(out, x)) for x in os.listdir(out))
    print(f'{name}: loss {loss.item():.6f}, 10-step losses {losses[0]:.4f} → {losses[-1]:.4f}, {size} bytes')


BASE = {
    'model_type': 'gpt2', 'architectures': ['GPT2LMHeadModel'],
    'vocab_size': 64, 'n_positions': 8, 'n_ctx': 8, 'n_embd': 16, 'n_layer': 2, 'n_head': 2, 'n_inner': None,
    'layer_norm_epsilon': 1e-5, 'activation_function': 'gelu_new', 'tie_word_embeddings': True,
    'resid_pdrop': 0.0, 'embd_pdrop': 0.0, 'attn_pdrop': 0.0,
    'positional_encoding': 'learned', 'norm_placement': 'pre', 'bias': True,
}

def check(directory):
    with open(os.path.join(directory, 'config.json')) as f:
        cfg = {**BASE, **{k: v for k, v in json.load(f).items() if k in BASE}}
    tensors, metadata = read_safetensors(os.path.join(directory, 'model.safetensors'))
    assert metadata.get('format') == 'pt', f'metadata {metadata}: transformers requires format "pt"'
    prefixed = [k.startswith('transformer.') for k in tensors if k != 'lm_head.weight']
    assert all(prefixed) or not any(prefixed), 'mixed prefixed and bare names'
    assert any(prefixed) or 'lm_head.weight' not in tensors, 'bare names beside lm_head.weight: HF calls this corrupted'
    if not any(prefixed):
        tensors = {('transformer.' + k if k != 'lm_head.weight' else k): v for k, v in tensors.items()}
    model = GPT2LMHeadModel(cfg)
    expected = {n for n, _ in model.named_params()}
    assert set(tensors) == expected, f'missing {expected - set(tensors)}, unexpected {set(tensors) - expected}'
    with torch.no_grad():
        for n, p in model.named_params():
            assert tuple(tensors[n].shape) == tuple(p.shape), f'{n}: {tuple(tensors[n].shape)} vs {tuple(p.shape)}'
            p.copy_(tensors[n])
        tokens = torch.tensor(json.load(sys.stdin)['tokens'])
        logits = model.lm_head(model.transformer(tokens))
    json.dump({'logits': logits.flatten().tolist()}, sys.stdout)


if __name__ == '__main__':
    if len(sys.argv) == 3 and sys.argv[1] == '--check':
        check(sys.argv[2])
        sys.exit(0)
    torch.use_deterministic_algorithms(True)
    make('gpt2-tiny', BASE, hub_style=True, B=2, T=8, seed=1337)
    make('variant-tiny', {**BASE, 'activation_function': 'relu', 'tie_word_embeddings': False,
                          'positional_encoding': 'sinusoidal', 'norm_placement': 'post', 'bias': False},
         hub_style=False, B=2, T=8, seed=4242)
