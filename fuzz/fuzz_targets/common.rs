//! What every target shares: the bytes as text, and a reader run on a thread with the
//! stack the CLI's readers get.

use ailint::sources::SourceText;

/// Files are read on rayon's worker threads, whose stacks are Rust's default 2 MiB (the
/// fuzzer's own main thread has 8 MiB): a stack overflow the CLI would hit must crash here.
const READER_STACK: usize = 2 << 20;

/// The input as a file's text. Invalid UTF-8 is refused before any reader runs, so it is
/// replaced here rather than skipped: the replacement characters are multi-byte, which is
/// what slicing at a non-character boundary needs.
pub fn source(path: &str, data: &[u8]) -> SourceText {
    SourceText::new(path, String::from_utf8_lossy(data).into_owned())
}

/// Runs `read` on a thread with the readers' stack, passing panics on (as a crash).
pub fn on_reader_stack(read: impl FnOnce() + Send) {
    std::thread::scope(|s| {
        let handle = std::thread::Builder::new()
            .stack_size(READER_STACK)
            .spawn_scoped(s, read)
            .expect("spawn reader thread");
        if let Err(panic) = handle.join() {
            std::panic::resume_unwind(panic);
        }
    });
}
