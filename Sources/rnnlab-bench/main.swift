// rnnlab-bench: the side-by-side benchmark of SPEC's reference workload.
//
//   rnnlab-bench [--quick] [--splits 1,10,100] [--cells lstm,gru] [--epochs N] [--sequences B]
//                [--length L] [--threads N] [--peer PYTHON --peer-script PATH] [--peer-runs 2] [--runs N]
//                [--recompute-memory BYTES]   (the LSTM K = 1 row again with this budget; 0: none)
//   rnnlab-bench scaling [--lengths 2000,20000,200000] [--sequence-counts 15,60,240] [--splits …] …
//   rnnlab-bench --child --splits K [--cell lstm|gru] [--memory BYTES] [--lanes 8|16] …   (one measurement in this process)
//   rnnlab-bench curves [--length 2000 --epochs 150 …]   (the article's comparisons as text)
//   rnnlab-bench checkpoint [--length 2000 --epochs 5]   (the rolling checkpoint's cost per epoch)
//   rnnlab-bench layers [--units 64 --batch 15 --steps 20000]   (one LSTM beside one GRU layer)
//   rnnlab-bench gates [--steps 20000 --repeats 5]   (the seed model with LSTM gates kept / recomputed)
//
// Each measurement runs in its own process (so peak RSS is per K), rnnlab and the PyTorch
// peer alternating; the peer runs `--peer-runs` times per K and its fastest median counts.
import Foundation
import RNNEngine
import RNNTraining

enum BenchError: Error { case usage(String), child(String) }

struct Measurement {
    var seconds: Double
    var peakMB: Double
    var gflop: Double?
    var segmentSteps: Int?
}

/// Runs a command, echoing nothing, and parses its last JSON line.
func measure(_ command: [String]) throws -> Measurement {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: command[0])
    process.arguments = Array(command.dropFirst())
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let lines = String(decoding: data, as: UTF8.self).split(separator: "\n")
    guard process.terminationStatus == 0, let last = lines.last,
          let json = try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any],
          let seconds = json["median_seconds"] as? Double, let peak = json["peak_rss_mb"] as? Double
    else { throw BenchError.child("\(command.joined(separator: " ")) failed (exit \(process.terminationStatus))") }
    return Measurement(seconds: seconds, peakMB: peak, gflop: json["gflop_per_epoch"] as? Double,
                       segmentSteps: json["segment_steps"] as? Int)
}

/// One line to standard output at once (unbuffered: a long table shows row by row).
func emit(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

func format(_ value: Double, _ digits: Int = 2) -> String { String(format: "%.\(digits)f", value) }

/// The median of several measurements (each its own process): seconds and peak RSS separately.
func median(_ runs: [Measurement]) -> Measurement {
    let seconds = runs.map(\.seconds).sorted(), peaks = runs.map(\.peakMB).sorted()
    return Measurement(seconds: seconds[seconds.count / 2], peakMB: peaks[peaks.count / 2], gflop: runs[0].gflop,
                       segmentSteps: runs[0].segmentSteps)
}

/// Options shared by the table and the scaling table.
struct BenchOptions {
    var splits = [1, 10, 100], epochs = 3, sequences = 15, length = 20_000, threads = Threads.available
    var peer: String?, peerScript: String?, peerRuns = 2, runs = 1, cells = Cell.allCases
    /// The budget of the recomputed K = 1 row (bytes); 0 leaves the row out.
    var recomputeMemory = 256 << 20
    var lengths = [2_000, 20_000, 200_000], sequenceCounts = [15, 60, 240]
    /// PyTorch is left out where its estimated peak (≈ 9.7 KB per row of a chunk) passes this.
    var peerLimitMB = 12_000.0

    init(_ arguments: [String]) throws {
        var it = arguments.makeIterator()
        while let flag = it.next() {
            func value() throws -> String {
                guard let v = it.next() else { throw BenchError.usage("\(flag) needs a value") }
                return v
            }
            func integer() throws -> Int {
                guard let v = Int(try value()), v >= 0 else { throw BenchError.usage("\(flag) needs a whole number") }
                return v
            }
            func list() throws -> [Int] {
                try value().split(separator: ",").map {
                    guard let k = Int($0), k > 0 else { throw BenchError.usage("\(flag) takes a list like 1,10,100") }
                    return k
                }
            }
            switch flag {
            case "--quick": length = 2_000; epochs = 3; lengths = [200, 2_000, 20_000]
            case "--splits": splits = try list()
            case "--cells":
                cells = try value().split(separator: ",").map {
                    guard let cell = Cell(rawValue: String($0)) else { throw BenchError.usage("--cells takes a list of lstm, gru") }
                    return cell
                }
            case "--epochs": epochs = max(1, try integer())
            case "--sequences": sequences = max(1, try integer())
            case "--length": length = max(1, try integer())
            case "--threads": threads = max(1, try integer())
            case "--peer": peer = try value()
            case "--peer-script": peerScript = try value()
            case "--peer-runs": peerRuns = max(1, try integer())
            case "--runs": runs = max(1, try integer())
            case "--recompute-memory": recomputeMemory = try integer()
            case "--lengths": lengths = try list()
            case "--sequence-counts": sequenceCounts = try list()
            default: throw BenchError.usage("unknown option \(flag)")
            }
        }
    }

    func shape(sequences: Int, length: Int) -> [String] {
        ["--sequences", "\(sequences)", "--length", "\(length)", "--epochs", "\(epochs)", "--threads", "\(threads)"]
    }

    /// rnnlab's median over `runs` processes, with an optional memory budget.
    func ours(splits: Int, sequences: Int, length: Int, cell: Cell = .lstm, memory: Int? = nil) throws -> Measurement {
        let me = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
        let budget = memory.map { ["--memory", "\($0)"] } ?? []
        return median(try (0..<runs).map { _ in
            try measure([me, "--child", "--splits", "\(splits)", "--cell", cell.rawValue]
                        + shape(sequences: sequences, length: length) + budget)
        })
    }

    /// PyTorch's fastest of `peerRuns` processes, when a peer is set up and it fits.
    func theirs(splits: Int, sequences: Int, length: Int, cell: Cell = .lstm) throws -> Measurement? {
        guard let peer, let peerScript else { return nil }
        let chunkRows = Double((length + splits - 1) / splits) * Double(sequences)
        guard chunkRows * 9.7e3 / 1e6 <= peerLimitMB else { return nil }
        var best: Measurement?
        for _ in 0..<peerRuns {
            let run = try measure([peer, peerScript, "--splits", "\(splits)", "--cell", cell.rawValue]
                                  + shape(sequences: sequences, length: length))
            if best == nil || run.seconds < best!.seconds { best = run }
        }
        return best
    }

    var header: String {
        "\(threads) threads; median of \(epochs) epochs after a warm-up"
            + (runs > 1 ? ", median of \(runs) processes" : "") + "; OpenBLAS core \(Threads.blasCore)" + (coreForced.map { " (OPENBLAS_CORETYPE=\($0))" } ?? "")
            + "; time-loop kernels \(KernelLanes.widest)"
    }

    /// A core set in the environment, which the engine keeps (it is the user's choice).
    var coreForced: String? { ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] }
}

func orchestrate(_ arguments: [String]) throws {
    let o = try BenchOptions(arguments)
    emit("workload: \(o.sequences) sequences × \(o.length) steps, model seed (128 features → 2 outputs; cell gru: both "
          + "lstm 64 layers replaced by gru 64, nn.GRU in the peer), adam, clip norm 1.0; \(o.header)")
    emit("")
    emit("| cell | K | rnnlab s/epoch | PyTorch s/epoch (best of \(o.peerRuns)) | rnnlab / PyTorch | rnnlab GFLOP/s | rnnlab peak RSS | PyTorch peak RSS |")
    emit("|---|---:|---:|---:|---:|---:|---:|---:|")
    for cell in o.cells {
        var rows: [(label: String, splits: Int, memory: Int?)] = o.splits.map { ("\($0)", $0, nil) }
        // A GRU stack never recomputes (MemoryPlan), so the recomputed row is the LSTM's only.
        if cell == .lstm, o.recomputeMemory > 0, o.splits.contains(1) {
            rows.insert(("1, recomputed (budget \(o.recomputeMemory >> 20) MB)", 1, o.recomputeMemory),
                        at: rows.firstIndex { $0.splits == 1 }! + 1)
        }
        var peers: [Int: Measurement] = [:]
        for row in rows {
            let ours = try o.ours(splits: row.splits, sequences: o.sequences, length: o.length, cell: cell,
                                  memory: row.memory)
            if peers[row.splits] == nil {
                peers[row.splits] = try o.theirs(splits: row.splits, sequences: o.sequences, length: o.length, cell: cell)
            }
            let theirs = peers[row.splits]
            let gflops = ours.gflop.map { format($0 / ours.seconds, 0) } ?? "–"
            emit("| \(cell.rawValue) | \(row.label) | \(format(ours.seconds)) | \(theirs.map { format($0.seconds) } ?? "–") | "
                  + "\(theirs.map { format(ours.seconds / $0.seconds) } ?? "–") | \(gflops) | "
                  + "\(format(ours.peakMB, 0)) MB | \(theirs.map { format($0.peakMB, 0) + " MB" } ?? "–") |")
        }
    }
}

/// `rnnlab-bench scaling`: seconds per epoch and peak RSS over lengths and K, then over sequence
/// counts, beside PyTorch where it fits. rnnlab recomputes where its default budget says so.
func scaling(_ arguments: [String]) throws {
    let o = try BenchOptions(arguments)
    emit("scaling: model seed, adam, clip norm 1.0; \(o.header); default memory budget "
          + "\(MemoryPlan.defaultBudget >> 20) MB")
    emit("")
    emit("| S | L | K | rnnlab s/epoch | rnnlab peak RSS | recompute segment | PyTorch s/epoch | PyTorch peak RSS |")
    emit("|---:|---:|---:|---:|---:|---:|---:|---:|")
    var cases: [(Int, Int, Int)] = []
    for length in o.lengths { for k in o.splits where k <= length { cases.append((o.sequences, length, k)) } }
    for count in o.sequenceCounts where count != o.sequences {
        for k in o.splits where k <= 20_000 { cases.append((count, 20_000, k)) }
    }
    for (sequences, length, k) in cases {
        let ours = try o.ours(splits: k, sequences: sequences, length: length)
        let theirs = try o.theirs(splits: k, sequences: sequences, length: length)
        emit("| \(sequences) | \(length) | \(k) | \(format(ours.seconds)) | \(format(ours.peakMB, 0)) MB | "
              + "\(ours.segmentSteps.map { $0 > 0 ? "\($0) steps" : "–" } ?? "–") | "
              + "\(theirs.map { format($0.seconds) } ?? "not run") | \(theirs.map { format($0.peakMB, 0) + " MB" } ?? "–") |")
    }
}

Memory.reuseFreedBuffers()
do {
    var arguments = Array(CommandLine.arguments.dropFirst())
    if arguments.first == "--child" {
        arguments.removeFirst()
        let options = try WorkloadOptions(arguments: arguments)
        try KernelLanes.with(options.lanes) { try runWorkload(options) }
    } else if arguments.first == "scaling" {
        arguments.removeFirst()
        try scaling(arguments)
    } else if arguments.first == "checkpoint" {
        arguments.removeFirst()
        try runCheckpointCost(arguments)
    } else if arguments.first == "layers" {
        arguments.removeFirst()
        try runLayers(arguments)
    } else if arguments.first == "gates" {
        arguments.removeFirst()
        try runGates(arguments)
    } else if arguments.first == "curves" {
        arguments.removeFirst()
        try runCurves(arguments)
    } else {
        try orchestrate(arguments)
    }
} catch BenchError.usage(let message) {
    FileHandle.standardError.write(Data("rnnlab-bench: \(message)\n".utf8))
    exit(2)
} catch {
    FileHandle.standardError.write(Data("rnnlab-bench: \(error)\n".utf8))
    exit(1)
}
