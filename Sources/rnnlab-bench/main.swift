// rnnlab-bench: the side-by-side benchmark of SPEC's reference workload.
//
//   rnnlab-bench [--quick] [--splits 1,10,100] [--cells lstm,gru] [--epochs N] [--sequences B]
//                [--length L] [--threads N] [--peer PYTHON --peer-script PATH] [--peer-runs 2]
//   rnnlab-bench --child --splits K …   (one measurement in this process; used by the above)
//   rnnlab-bench curves [--length 2000 --epochs 150 …]   (the article's comparisons as text)
//   rnnlab-bench checkpoint [--length 2000 --epochs 5]   (the rolling checkpoint's cost per epoch)
//   rnnlab-bench layers [--units 64 --batch 15 --steps 20000]   (one LSTM beside one GRU layer)
//
// Each measurement runs in its own process (so peak RSS is per K), rnnlab and the PyTorch
// peer alternating; the peer runs `--peer-runs` times per K and its fastest median counts.
import Foundation
import RNNEngine

enum BenchError: Error { case usage(String), child(String) }

struct Measurement {
    var seconds: Double
    var peakMB: Double
    var gflop: Double?
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
    return Measurement(seconds: seconds, peakMB: peak, gflop: json["gflop_per_epoch"] as? Double)
}

func format(_ value: Double, _ digits: Int = 2) -> String { String(format: "%.\(digits)f", value) }

func orchestrate(_ arguments: [String]) throws {
    var splits = [1, 10, 100], epochs = 3, sequences = 15, length = 20_000, threads = Threads.available
    var peer: String?, peerScript: String?, peerRuns = 2, cells = Cell.allCases
    var it = arguments.makeIterator()
    while let flag = it.next() {
        func value() throws -> String {
            guard let v = it.next() else { throw BenchError.usage("\(flag) needs a value") }
            return v
        }
        func integer() throws -> Int {
            guard let v = Int(try value()), v > 0 else { throw BenchError.usage("\(flag) needs a positive integer") }
            return v
        }
        switch flag {
        case "--quick": length = 2_000; epochs = 3
        case "--splits":
            splits = try value().split(separator: ",").map {
                guard let k = Int($0), k > 0 else { throw BenchError.usage("--splits takes a list like 1,10,100") }
                return k
            }
        case "--cells":
            cells = try value().split(separator: ",").map {
                guard let cell = Cell(rawValue: String($0)) else { throw BenchError.usage("--cells takes a list of lstm, gru") }
                return cell
            }
        case "--epochs": epochs = try integer()
        case "--sequences": sequences = try integer()
        case "--length": length = try integer()
        case "--threads": threads = try integer()
        case "--peer": peer = try value()
        case "--peer-script": peerScript = try value()
        case "--peer-runs": peerRuns = try integer()
        default: throw BenchError.usage("unknown option \(flag)")
        }
    }
    let me = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
    let shape = ["--sequences", "\(sequences)", "--length", "\(length)", "--epochs", "\(epochs)", "--threads", "\(threads)"]
    print("workload: \(sequences) sequences × \(length) steps, model seed (128 features → 2 outputs; cell gru: both "
          + "lstm 64 layers replaced by gru 64, nn.GRU in the peer), adam, clip norm 1.0; "
          + "\(threads) threads; median of \(epochs) epochs after a warm-up; OpenBLAS core \(Threads.blasCore)")
    print("")
    print("| cell | K | rnnlab s/epoch | PyTorch s/epoch (best of \(peerRuns)) | rnnlab / PyTorch | rnnlab GFLOP/s | rnnlab peak RSS | PyTorch peak RSS |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for cell in cells {
    for k in splits {
        let ours = try measure([me, "--child", "--splits", "\(k)", "--cell", cell.rawValue] + shape)
        var theirs: Measurement?
        if let peer, let peerScript {
            for _ in 0..<peerRuns {
                let run = try measure([peer, peerScript, "--splits", "\(k)", "--cell", cell.rawValue] + shape)
                if theirs == nil || run.seconds < theirs!.seconds { theirs = run }
            }
        }
        let gflops = ours.gflop.map { format($0 / ours.seconds, 0) } ?? "–"
        print("| \(cell.rawValue) | \(k) | \(format(ours.seconds)) | \(theirs.map { format($0.seconds) } ?? "–") | "
              + "\(theirs.map { format(ours.seconds / $0.seconds) } ?? "–") | \(gflops) | "
              + "\(format(ours.peakMB, 0)) MB | \(theirs.map { format($0.peakMB, 0) + " MB" } ?? "–") |")
    }
    }
}

Memory.reuseFreedBuffers()
do {
    var arguments = Array(CommandLine.arguments.dropFirst())
    if arguments.first == "--child" {
        arguments.removeFirst()
        try runWorkload(WorkloadOptions(arguments: arguments))
    } else if arguments.first == "checkpoint" {
        arguments.removeFirst()
        try runCheckpointCost(arguments)
    } else if arguments.first == "layers" {
        arguments.removeFirst()
        try runLayers(arguments)
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
