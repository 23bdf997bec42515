//! The kzclaims binary: everything lives in the library; the allocator is set
//! up here, before anything is allocated (as ripgrep does in its `main`).

fn main() {
    tune_allocator();
    std::process::exit(kzclaims::run(std::env::args_os()));
}

/// Set glibc's allocator for a large load: no "fast bins", so small blocks
/// freed (a parse frees millions: every parse tree) join their free
/// neighbours at once instead of waiting in per-size lists. The trim after
/// the load (`give_back_freed_memory`) then has little left to sort
/// through: `brief` at 100k claims, one thread, 1.68 → 1.59 s, same peak
/// memory (docs/performance.md). Small allocations still come from glibc's
/// per-thread cache first. Called first in `main`, before
/// anything is allocated (the scale benchmark does the same, to time the
/// commands as they run).
fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; M_MXFAST = 0 is a
    // documented value (fast bins off) and is safe at any time.
    unsafe {
        libc::mallopt(libc::M_MXFAST, 0);
    }
}
