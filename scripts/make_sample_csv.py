#!/usr/bin/env python3
"""Writes sessions/data/sample-prices.csv: a small two-symbol price file for `data csv`.

    python3 scripts/make_sample_csv.py            # from the repository root

Deterministic on any Python 3: the random numbers come from SplitMix64 written out
below (not from the `random` module), and every value is formatted with fixed decimals.

Columns: date (business days from 2023-01-02), symbol, close, volume. ALPHA trades on
all 300 days, BETA is listed on day 21 (280 rows), so the sequences have unequal
lengths. Rows are in date order, the two symbols interleaved:

    data csv "sessions/data/sample-prices.csv" column=close key=symbol
"""
import datetime
import math
import os

MASK = (1 << 64) - 1


class SplitMix64:
    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def uniform(self):
        """Uniform in [0, 1) with 53 bits."""
        return (self.next() >> 11) * 2.0 ** -53

    def gauss(self):
        """Standard normal (Box-Muller, first value of the pair)."""
        u1 = 1.0 - self.uniform()
        u2 = self.uniform()
        return math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)


def business_days(start, count):
    day = start
    while count > 0:
        if day.weekday() < 5:
            yield day
            count -= 1
        day += datetime.timedelta(days=1)


def main():
    rng = SplitMix64(20230102)
    days = list(business_days(datetime.date(2023, 1, 2), 300))
    symbols = [
        # name, first day index, start price, daily drift, daily volatility, mean volume
        ("ALPHA", 0, 100.0, 0.0004, 0.012, 1_200_000),
        ("BETA", 20, 42.5, -0.0001, 0.02, 350_000),
    ]
    price = {name: start for name, _, start, _, _, _ in symbols}
    rows = []
    for index, day in enumerate(days):
        for name, first, _, drift, vol, volume in symbols:
            if index < first:
                continue
            if index > first:
                price[name] *= math.exp(drift - 0.5 * vol * vol + vol * rng.gauss())
            shares = int(volume * math.exp(0.3 * rng.gauss()))
            rows.append(f"{day.isoformat()},{name},{price[name]:.2f},{shares}")

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    path = os.path.join(root, "sessions", "data", "sample-prices.csv")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", newline="\n") as f:
        f.write("date,symbol,close,volume\n")
        f.write("\n".join(rows) + "\n")
    print(f"wrote {len(rows)} rows to {os.path.relpath(path, root)}")


if __name__ == "__main__":
    main()
