#!/usr/bin/env python3
"""PyTorch peer for the side-by-side "seed" benchmark (speed only).

Model (sequence-major (T, B, D), D = window):
  Linear(window,64)+ReLU -> GaussianNoise(0.1) -> Linear(64,64)+ReLU
  -> GaussianNoise(0.1) -> LSTM(64,64) -> GaussianNoise(0.1) -> LSTM(64,64)
  -> Linear(64,2)
With --cell gru both LSTM(64,64) are GRU(64,64) (torch.nn.GRU).
Adam(lr=1e-3, eps=1e-7), per-tensor gradient clipping to norm 1.0 (Keras
clipnorm). Each epoch: LSTM states zeroed, the sequence split into K chunks
with boundaries floor(i*L/K); per chunk forward with the carried (detached)
states, MSE loss, backward, clip, step.

Output: one JSON line per timed epoch {"epoch": i, "seconds": s}, then
{"median_seconds", "peak_rss_mb", "torch", "threads", "splits",
"import_rss_mb"} (import_rss_mb = peak RSS right after importing torch).
Makes no network access. Data is synthetic random noise.
"""

import argparse
import json
import resource
import statistics
import sys
import time

import warnings

warnings.filterwarnings("ignore", message="Failed to initialize NumPy")

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402


class GaussianNoise(torch.nn.Module):
    def __init__(self, std):
        super().__init__()
        self.std = std

    def forward(self, x):
        if self.training and self.std > 0:
            return x + self.std * torch.randn_like(x)
        return x


class Seed(torch.nn.Module):
    def __init__(self, window, hidden=64, outputs=2, noise=0.1, cell="lstm"):
        super().__init__()
        rnn = torch.nn.GRU if cell == "gru" else torch.nn.LSTM
        self.dense1 = torch.nn.Linear(window, hidden)
        self.noise1 = GaussianNoise(noise)
        self.dense2 = torch.nn.Linear(hidden, hidden)
        self.noise2 = GaussianNoise(noise)
        self.lstm1 = rnn(hidden, hidden)  # batch_first=False
        self.noise3 = GaussianNoise(noise)
        self.lstm2 = rnn(hidden, hidden)
        self.head = torch.nn.Linear(hidden, outputs)

    def forward(self, x, s1=None, s2=None):
        y = self.noise1(F.relu(self.dense1(x)))
        y = self.noise2(F.relu(self.dense2(y)))
        y, s1 = self.lstm1(y, s1)
        y = self.noise3(y)
        y, s2 = self.lstm2(y, s2)
        return self.head(y), s1, s2


def detach(state):
    if isinstance(state, torch.Tensor):  # a GRU's h
        return state.detach()
    return tuple(t.detach() for t in state)


def run_epoch(model, opt, params, x, y, splits):
    length = x.shape[0]
    bounds = [(i * length) // splits for i in range(splits + 1)]
    s1 = s2 = None  # zero states at epoch start
    for start, end in zip(bounds[:-1], bounds[1:]):
        if end <= start:
            continue
        opt.zero_grad(set_to_none=True)
        out, s1, s2 = model(x[start:end], s1, s2)
        loss = F.mse_loss(out, y[start:end])
        loss.backward()
        for p in params:
            torch.nn.utils.clip_grad_norm_([p], 1.0)
        opt.step()
        s1, s2 = detach(s1), detach(s2)


def main():
    ap = argparse.ArgumentParser(description="PyTorch peer for the seed benchmark")
    ap.add_argument("--sequences", type=int, default=15)
    ap.add_argument("--length", type=int, default=20000)
    ap.add_argument("--splits", type=int, default=100)
    ap.add_argument("--epochs", type=int, default=3, help="timed epochs (after 1 warm-up)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--window", type=int, default=128)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--cell", choices=["lstm", "gru"], default="lstm")
    args = ap.parse_args()
    if args.splits < 1 or args.splits > args.length:
        ap.error("--splits must be in 1...length")

    # Peak RSS right after importing torch (the library alone), for context.
    import_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)

    x = torch.randn(args.length, args.sequences, args.window) * 0.015
    y = torch.randn(args.length, args.sequences, 2) * 0.02
    model = Seed(args.window, cell=args.cell)
    model.train()
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.Adam(params, lr=0.001, eps=1e-7)

    run_epoch(model, opt, params, x, y, args.splits)  # warm-up
    times = []
    for epoch in range(args.epochs):
        t0 = time.perf_counter()
        run_epoch(model, opt, params, x, y, args.splits)
        dt = time.perf_counter() - t0
        times.append(dt)
        print(json.dumps({"epoch": epoch, "seconds": round(dt, 4)}), flush=True)

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(
        json.dumps(
            {
                "median_seconds": round(statistics.median(times), 4) if times else None,
                "peak_rss_mb": round(peak, 1),
                "torch": torch.__version__,
                "threads": args.threads,
                "splits": args.splits,
                "cell": args.cell,
                "import_rss_mb": round(import_rss, 1),
            }
        ),
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
