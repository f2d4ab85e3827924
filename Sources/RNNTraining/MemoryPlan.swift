import Foundation
import RNNEngine

/// How backprop over a chunk fits a memory budget: with the whole chunk's cache while that fits,
/// else with segment recomputation (`Model.forward(segmentSteps:)`), which bounds the cache by
/// one segment at the price of a second forward pass. The budget never changes results:
/// recomputed gradients are bit-identical.
public struct MemoryPlan: Sendable, Equatable {
    /// The budget the plan was made for, in bytes.
    public let budget: Int
    /// The longest chunk of the epoch, in steps (⌈L/K⌉).
    public let chunkSteps: Int
    /// Training memory of that chunk with a whole-chunk cache, in bytes.
    public let cacheBytes: Int
    /// The recomputation segment in steps, when the whole-chunk cache passes the budget (never
    /// for a stack with a GRU layer: `ModelSpec.supportsRecomputation`).
    public let segmentSteps: Int?
    /// Training memory of the chunk under this plan (the cache or one segment's, the stack's
    /// output and its gradient over the chunk, the checkpoints), in bytes.
    public let chunkBytes: Int
    /// The training tensors themselves (inputs, targets, masks, and the chunks cut from them
    /// when K > 1) and the parameters with gradients and optimizer slots, in bytes.
    public let fixedBytes: Int
    /// Whether the trainer keeps the K chunks cut for the whole run (a second copy of the data)
    /// rather than cutting each chunk when it trains: only while the data is small beside the
    /// budget (at most an eighth of it). Either way the values are the same.
    public let cachesChunks: Bool

    /// Whether everything training holds (the data and parameters as well as the chunk's
    /// memory) stays within the budget, with recomputation if needed.
    public var fits: Bool { totalBytes <= budget }
    /// Whether the plan recomputes segments.
    public var recomputes: Bool { segmentSteps != nil }
    /// Everything training holds: the fixed tensors plus the chunk's memory, in bytes.
    public var totalBytes: Int { Self.sum(fixedBytes, chunkBytes) }

    /// The largest segment cache recomputation picks, in bytes: beyond it longer segments save
    /// no time (each costs one extra forward however long) and only hold memory.
    public static let segmentTarget = 64 << 20

    /// The plan for training `spec` on `sequences × length` steps of `inputWidth` features and
    /// `targetWidth` targets in `splits` chunks, within `budget` bytes of training memory: the
    /// data and parameters (`fixedBytes`) plus the chunk's (`chunkBytes`). Counting the data
    /// matters for long series: at 200,000 steps it is 1.6 GB beside the cache.
    /// Computed from the shapes only: nothing is allocated. Sizes that overflow saturate.
    public static func make(spec: ModelSpec, inputWidth: Int, targetWidth: Int, sequences: Int, length: Int,
                            splits: Int, parameterCount: Int, budget: Int) -> MemoryPlan {
        let splits = max(1, min(splits, max(1, length)))
        let chunkSteps = (length + splits - 1) / splits
        // Long chunks keep less per row (an LSTM's gates are recomputed), so the rows matter.
        func perRow(_ steps: Int) -> Int {
            spec.trainingBytesPerRow(inputWidth: inputWidth, rows: product(steps, sequences))
        }
        let chunkRows = product(chunkSteps, sequences)
        let cacheBytes = product(chunkRows, perRow(chunkSteps))
        let dataBytes = product(product(product(length, sequences), inputWidth + targetWidth + 2), 4)
        let cachesChunks = splits == 1 || dataBytes <= budget / 8
        // K = 1 shares the data; cut chunks copy all of it, or one chunk at a time.
        let cutBytes = splits == 1 ? 0 : cachesChunks ? dataBytes : dataBytes / splits + 1
        let fixedBytes = sum(sum(dataBytes, cutBytes), product(parameterCount, 4 * 4))   // + weights, gradients, two slots
        func segmentBytes(_ steps: Int) -> Int {
            let outputs = product(product(chunkRows, 3 * 4), spec.outputWidth(inputWidth: inputWidth))
            let segments = (chunkSteps + steps - 1) / steps
            return sum(sum(product(product(steps, sequences), perRow(steps)), outputs),
                       product(segments, spec.stateBytes(batch: sequences)))
        }
        let block = TimeBlocks.steps
        // A stack with a GRU layer never recomputes (its backward carries no state gradient
        // across a segment): it keeps the whole-chunk cache, and `fits` says whether that fits.
        let room = budget > fixedBytes ? budget - fixedBytes : 0     // what the chunk may hold
        guard cacheBytes > room, chunkSteps > block, spec.supportsRecomputation else {
            return MemoryPlan(budget: budget, chunkSteps: chunkSteps, cacheBytes: cacheBytes, segmentSteps: nil,
                              chunkBytes: cacheBytes, fixedBytes: fixedBytes, cachesChunks: cachesChunks)
        }
        // The longest whole number of blocks whose cache stays within the target, and whose
        // chunk memory stays within the room the data and parameters leave.
        var steps = block
        while steps + block < chunkSteps,
              product(product(steps + block, sequences), perRow(steps + block)) <= segmentTarget,
              segmentBytes(steps + block) <= room { steps += block }
        return MemoryPlan(budget: budget, chunkSteps: chunkSteps, cacheBytes: cacheBytes, segmentSteps: steps,
                          chunkBytes: segmentBytes(steps), fixedBytes: fixedBytes, cachesChunks: cachesChunks)
    }

    /// Refuses, before anything is allocated, training at any of `splits` whose plan does not
    /// fit (the smallest such K is named).
    public static func refuseUnfit(splits: some Sequence<Int>, plan: (Int) -> MemoryPlan) throws(TrainingError) {
        for k in Set(splits).sorted() {
            let p = plan(k)
            if !p.fits { throw .memoryExceeded(splits: k, needed: p.totalBytes, budget: p.budget) }
        }
    }

    /// The default budget: a quarter of the machine's physical memory.
    public static var defaultBudget: Int {
        let physical = ProcessInfo.processInfo.physicalMemory / 4
        return physical > UInt64(Int.max) ? Int.max : Int(physical)
    }

    private static func product(_ a: Int, _ b: Int) -> Int {
        let (value, overflow) = a.multipliedReportingOverflow(by: b)
        return overflow ? Int.max : value
    }

    private static func sum(_ a: Int, _ b: Int) -> Int {
        let (value, overflow) = a.addingReportingOverflow(b)
        return overflow ? Int.max : value
    }
}
