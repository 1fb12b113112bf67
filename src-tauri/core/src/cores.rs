//! Work shared out to the machine's cores: pure computation over many
//! accounts or fits, whose results come back in a fixed order so that the
//! outcome never depends on which thread finished first. Workers speak the
//! caller's language (`lang` keeps it per thread).

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

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

/// `each` over `items` on the cores while the calling thread hands each
/// result, in the order of `items`, to `then` as soon as it and every one
/// before it are ready: storing what was worked out overlaps the working
/// out, and `then` may hold what cannot leave this thread (a database
/// connection). The first error from `then` stops the workers and is
/// returned.
pub(crate) fn map_then<I: Sync, T: Send, E>(
    items: &[I],
    each: impl Fn(&I) -> T + Sync,
    mut then: impl FnMut(T) -> Result<(), E>,
) -> Result<(), E> {
    // Small slices, so the first results reach `then` soon.
    let size = items.len().div_ceil(available() * 16).max(1);
    let slices: Vec<&[I]> = items.chunks(size).collect();
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let lang = Lang::current();
    let (send, receive) = std::sync::mpsc::channel::<(usize, Vec<T>)>();
    std::thread::scope(|scope| {
        for _ in 0..available().min(slices.len()) {
            let send = send.clone();
            let (next, stop, slices, each) = (&next, &stop, &slices, &each);
            scope.spawn(move || {
                lang.scoped(|| loop {
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    if k >= slices.len() || stop.load(Ordering::Relaxed) {
                        return;
                    }
                    let done = slices[k].iter().map(each).collect();
                    if send.send((k, done)).is_err() {
                        return;
                    }
                })
            });
        }
        // Only the workers hold senders now: the loop ends when they do.
        drop(send);
        let mut waiting = std::collections::BTreeMap::new();
        let mut due = 0;
        for (k, done) in receive {
            waiting.insert(k, done);
            while let Some(ready) = waiting.remove(&due) {
                due += 1;
                for result in ready {
                    if let Err(e) = then(result) {
                        stop.store(true, Ordering::Relaxed);
                        return Err(e);
                    }
                }
            }
        }
        Ok(())
    })
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
        let squares = Lang::De.scoped(|| across(100, |k| (k * k, Lang::current())));
        assert_eq!(
            squares,
            (0..100).map(|k| (k * k, Lang::De)).collect::<Vec<_>>()
        );
        assert!(across(0, |k| k).is_empty());
    }

    #[test]
    fn results_are_handed_on_in_order_and_an_error_stops_the_work() {
        let items: Vec<u32> = (0..5000).collect();
        let mut seen = Vec::new();
        let done: Result<(), String> = Lang::De.scoped(|| {
            map_then(
                &items,
                |n| (n * 2, Lang::current()),
                |(doubled, lang)| {
                    assert_eq!(lang, Lang::De);
                    seen.push(doubled);
                    Ok(())
                },
            )
        });
        assert_eq!(done, Ok(()));
        assert_eq!(seen, items.iter().map(|n| n * 2).collect::<Vec<_>>());

        let mut handed = 0;
        let failed = map_then(
            &items,
            |n| *n,
            |n| {
                handed += 1;
                if n == 1234 {
                    Err(format!("cannot store {n}"))
                } else {
                    Ok(())
                }
            },
        );
        assert_eq!(failed, Err("cannot store 1234".to_string()));
        assert_eq!(handed, 1235, "nothing is handed on after the error");
        assert_eq!(
            map_then(&[] as &[u32], |n| *n, |_| Err("never called")),
            Ok(())
        );
    }
}
