//! A cache prefetch hint, the one place the engine asks the CPU to start a load early.
//!
//! Training at high feedback is bound by memory latency: a forget step touches a few dozen
//! random cache lines of a clause block (the model does not fit in cache). Issuing the loads of
//! the next clauses while the current one is updated overlaps those waits.

/// Hints the CPU to bring the cache line holding `word` into all cache levels; a no-op on
/// targets without a prefetch instruction. Never changes a result.
#[inline(always)]
#[allow(unsafe_code)] // The workspace denies unsafe code; this is its one, audited, exception.
pub(crate) fn prefetch(word: &u64) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is a hint that never faults and reads nothing architecturally; the
    // address comes from a live reference anyway. (`_mm_prefetch` needs SSE, which every
    // x86-64 CPU has; it is `unsafe` only because of its `target_feature` attribute.)
    unsafe {
        use core::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        _mm_prefetch::<_MM_HINT_T0>((word as *const u64).cast::<i8>());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = word;
}
