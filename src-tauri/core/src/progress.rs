//! How long work (import, demo generation) reports progress and learns it was
//! cancelled. The core defines the callback; the shell adapts it to an IPC
//! channel and the CLI to a terminal line.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use serde::Serialize;
use ts_rs::TS;

/// One progress report: `done` of `total` units of `phase` (total is None
/// while unknown, e.g. rows of a file being streamed: then bytes are used).
#[derive(Debug, Clone, Serialize, TS)]
pub struct Progress {
    pub phase: String,
    #[ts(type = "number")]
    pub done: u64,
    #[ts(type = "number | null")]
    pub total: Option<u64>,
}

/// Shared flag a caller sets to stop long work at its next check.
#[derive(Debug, Clone, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    /// The flag itself, for work that polls an `AtomicBool` (sync runs).
    pub fn flag(&self) -> &AtomicBool {
        &self.0
    }
}

/// A sink for progress reports; `&mut dyn FnMut` keeps callers free to use
/// closures that capture their channel or counter.
pub type ProgressSink<'a> = &'a mut dyn FnMut(Progress);

/// A sink that drops every report.
pub fn ignore(_: Progress) {}
