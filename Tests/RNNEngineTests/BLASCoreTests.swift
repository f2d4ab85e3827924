import Foundation
import Testing
@testable import RNNEngine

@Suite struct BLASCoreTests {
    @Test func coreFollowsTheInstructionSets() {
        let avx512: Set<Substring> = ["fma", "avx2", "avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512cd"]
        #expect(BLASCore.preferredCore(flags: avx512) == "SkylakeX")
        #expect(BLASCore.preferredCore(flags: avx512.union(["avx512_bf16"])) == "Cooperlake")
        #expect(BLASCore.preferredCore(flags: ["avx2", "fma", "avx512f"]) == "Haswell")
        #expect(BLASCore.preferredCore(flags: ["sse2", "sse3", "avx"]) == nil)
    }

    /// A CPU with AVX2 never runs OpenBLAS's Prescott fallback (SSE3) in the engine.
    @Test func noFallbackKernelsOnAnAVX2Machine() throws {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        guard let flags = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
              flags.split(separator: " ").contains("avx2"),
              ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil else { return }
        #expect(Threads.blasCore.lowercased() != "prescott")
    }
}
