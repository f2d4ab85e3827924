import Foundation
import COpenBLAS

/// OpenBLAS's kernel set for this CPU, chosen once before the first product.
///
/// OpenBLAS 0.3.21 (DYNAMIC_ARCH) recognises CPUs by their CPUID family and model; a virtual
/// machine that reports a generic model ("Intel(R) Xeon(R) Processor") gets its fallback,
/// Prescott's SSE3 kernels — about 8× slower products here than the AVX-512 ones the CPU runs.
/// When OpenBLAS fell back and nobody forced a core (`OPENBLAS_CORETYPE`), this picks the kernels
/// by the instruction sets the CPU does report, exactly as `OPENBLAS_CORETYPE` would at start-up.
enum BLASCore {
    /// Runs once, before the first OpenBLAS call of the engine.
    static let configured: Void = {
        upgradeFallbackKernels()
        openblas_set_num_threads(1)
    }()

    /// The core to force for a CPU with these `/proc/cpuinfo` flags, or nil to keep OpenBLAS's choice.
    static func preferredCore(flags: Set<Substring>) -> String? {
        let avx512 = ["avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512cd"].allSatisfy { flags.contains(Substring($0)) }
        if avx512 { return flags.contains("avx512_bf16") ? "Cooperlake" : "SkylakeX" }
        if flags.contains("avx2"), flags.contains("fma") { return "Haswell" }
        return nil
    }

    private static func upgradeFallbackKernels() {
        #if os(Linux) && arch(x86_64)
        guard ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil,
              let name = openblas_get_corename(), String(cString: name).lowercased() == "prescott",
              let core = preferredCore(flags: CPUFlags.current),
              let table = dlsym(nil, "gotoblas"), let initialise = dlsym(nil, "gotoblas_dynamic_init")
        else { return }
        // gotoblas_dynamic_init keeps a chosen table; clear it so it reads OPENBLAS_CORETYPE again.
        setenv("OPENBLAS_CORETYPE", core, 1)
        table.assumingMemoryBound(to: UnsafeMutableRawPointer?.self).pointee = nil
        unsafeBitCast(initialise, to: (@convention(c) () -> Void).self)()
        unsetenv("OPENBLAS_CORETYPE")
        #endif
    }
}
