//! Work shared out to the machine's cores: pure computation over many
//! accounts or fits, whose results come back in a fixed order so that the
//! outcome never depends on which thread finished first. Workers speak the
//! caller's language (`lang` keeps it per thread).

use std::sync::atomic::{AtomicUsize, Ordering};

use crate::lang::Lang;

/// How many threads long work may use: every core the process may run on.
pub(crate) fn available() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// `task(0)`, `task(1)`, ... `task(count - 1)` shared out to the machine's
/// cores; the results in task order.
pub(crate) fn across<T: Send>(count: usize, task: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let workers = available().min(count);
    let next = AtomicUsize::new(0);
    let lang = Lang::current();
    let mut out: Vec<Option<T>> = (0..count).map(|_| None).collect();
    std::thread::scope(|scope| {
        let take = || {
            lang.scoped(|| {
                let mut mine = Vec::new();
                loop {
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    if k >= count {
                        return mine;
                    }
                    mine.push((k, task(k)));
                }
            })
        };
        let others: Vec<_> = (1..workers).map(|_| scope.spawn(take)).collect();
        let mut done = take();
        for worker in others {
            done.extend(finished(worker));
        }
        for (k, result) in done {
            out[k] = Some(result);
        }
    });
    out.into_iter().flatten().collect()
}

/// `each` over `items` in slices shared out to the cores; the results in the
/// order of `items`.
pub(crate) fn map<I: Sync, T: Send>(items: &[I], each: impl Fn(&I) -> T + Sync) -> Vec<T> {
    // A few slices per core evens out slices that take longer.
    let size = items.len().div_ceil(available() * 4).max(1);
    let slices: Vec<&[I]> = items.chunks(size).collect();
    across(slices.len(), |k| {
        slices[k].iter().map(&each).collect::<Vec<T>>()
    })
    .into_iter()
    .flatten()
    .collect()
}

/// What a thread returned; its panic goes on in the caller.
pub(crate) fn finished<T>(worker: std::thread::ScopedJoinHandle<'_, T>) -> T {
    worker
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_back_in_order_in_the_callers_language() {
        let squares = across(100, |k| k * k);
        assert_eq!(squares, (0..100).map(|k| k * k).collect::<Vec<_>>());
        let items: Vec<u32> = (0..1001).collect();
        let spoken = Lang::De.scoped(|| map(&items, |n| (n + 1, Lang::current())));
        assert_eq!(spoken.len(), items.len());
        assert!(spoken
            .iter()
            .zip(&items)
            .all(|((n, lang), item)| *n == item + 1 && *lang == Lang::De));
        assert!(map(&[] as &[u32], |n| *n).is_empty());
    }
}
