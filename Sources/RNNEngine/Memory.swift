#if canImport(Glibc)
import CMalloc
#endif

/// Process-wide allocator tuning for long training runs.
public enum Memory {
    /// Keeps freed large buffers in the process instead of returning them to the system, so the
    /// next chunk's caches reuse warm pages rather than faulting in (and zeroing) fresh ones.
    /// glibc serves allocations above its mmap threshold (128 KB by default) with fresh
    /// mappings; raising it makes every chunk after the first reuse the heap. An executable
    /// calls this once at start; elsewhere it does nothing.
    public static func reuseFreedBuffers() {
        #if canImport(Glibc)
        _ = mallopt(M_MMAP_THRESHOLD, 1 << 30)
        _ = mallopt(M_TRIM_THRESHOLD, Int32.max)
        #endif
    }
}
