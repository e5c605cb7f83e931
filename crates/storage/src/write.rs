//! Group commit: many requests, one durable commit.
//!
//! An fsync costs milliseconds on ordinary disks, so one commit per request caps a
//! server at a few hundred writes a second. Requests hand their work to a writer task;
//! the writer takes everything queued (up to `max_batch`), runs each piece in its own
//! savepoint inside one transaction, and commits once. A piece that fails is rolled back
//! to its savepoint alone. Every caller learns its outcome only after the commit is
//! durable, so an acknowledged write is never lost.

use std::hash::{Hash, Hasher};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use futures::FutureExt;
use futures::future::BoxFuture;
use tokio::sync::{mpsc, oneshot};

use crate::db::{Pool, Tx};
use crate::error::StorageError;

/// A piece of work: runs in the batch's transaction and says whether it succeeded, with how to tell its caller the
/// outcome once its held-back inserts ([`Tx::append`]) have run — or failed, which fails the piece after all.
type Work = Box<dyn for<'t> FnOnce(&'t mut Tx) -> BoxFuture<'t, (bool, Deliver)> + Send>;
type Deliver = Box<dyn FnOnce(Option<StorageError>) + Send>;

struct Job {
    work: Work,
    committed: oneshot::Sender<Result<(), StorageError>>,
}

/// Counters of the writer since start.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriteStats {
    /// Transactions committed (or attempted).
    pub commits: u64,
    /// Pieces of work run.
    pub writes: u64,
    /// Pieces rolled back to their savepoint.
    pub failed_writes: u64,
    /// Largest batch seen.
    pub max_batch: u64,
    /// Pieces waiting for a writer right now.
    pub queued: u64,
}

#[derive(Default)]
struct Counters {
    commits: AtomicU64,
    writes: AtomicU64,
    failed_writes: AtomicU64,
    max_batch: AtomicU64,
}

pub(crate) struct WriteQueue {
    /// One queue per lane. A keyed write always goes to the same lane, so writes that lock the same rows (the daily
    /// sequence of an agency's dossier codes) never wait on, or deadlock with, another lane's open transaction.
    lanes: Vec<mpsc::Sender<Job>>,
    next_unkeyed: AtomicUsize,
    counters: Arc<Counters>,
}

const QUEUE_CAPACITY: usize = 4096;

impl WriteQueue {
    pub(crate) fn start(pool: Pool, lanes: usize, max_batch: usize) -> Self {
        let counters = Arc::new(Counters::default());
        let capacity = (QUEUE_CAPACITY / lanes.max(1)).max(max_batch);
        let lanes = (0..lanes.max(1))
            .map(|_| {
                let (sender, receiver) = mpsc::channel(capacity);
                let lane = run_lane(pool.clone(), receiver, counters.clone(), max_batch);
                match pool {
                    // SQLite's statements run on the connection's own thread; the lane that drives them gets a thread
                    // of its own too. In the request runtime it waited behind every request task for each of its
                    // statements (woken from outside the runtime, it queued last), and the single writer sets the
                    // pace of every write.
                    Pool::Sqlite { .. } => {
                        std::thread::Builder::new()
                            .name("motcua-writer".into())
                            .spawn(move || {
                                tokio::runtime::Builder::new_current_thread()
                                    .enable_time()
                                    .build()
                                    .expect("a runtime for the writer thread")
                                    .block_on(lane)
                            })
                            .expect("the writer thread starts");
                    }
                    // PostgreSQL's connections belong to the runtime that opened them; the lanes stay there.
                    Pool::Postgres(_) => {
                        tokio::spawn(lane);
                    }
                }
                sender
            })
            .collect();
        Self { lanes, next_unkeyed: AtomicUsize::new(0), counters }
    }

    /// Queues `work` on the lane of `key` (any lane, in turn, without one) and waits for its durable commit.
    pub(crate) async fn submit<T, E, F>(&self, key: Option<&str>, work: F) -> Result<T, E>
    where
        F: for<'t> FnOnce(&'t mut Tx) -> BoxFuture<'t, Result<T, E>> + Send + 'static,
        T: Send + 'static,
        E: From<StorageError> + Send + 'static,
    {
        let (out_tx, out_rx) = oneshot::channel::<Result<T, E>>();
        let (committed, committed_rx) = oneshot::channel();
        let work: Work = Box::new(move |tx: &mut Tx| {
            Box::pin(async move {
                let outcome = work(tx).await;
                let ok = outcome.is_ok();
                let deliver: Deliver = Box::new(move |held_failed: Option<StorageError>| {
                    let _ = out_tx.send(match held_failed {
                        Some(e) => Err(E::from(e)),
                        None => outcome,
                    });
                });
                (ok, deliver)
            })
        });
        let closed = || E::from(StorageError::Unavailable("the database writer has stopped".into()));
        let lane = match key {
            Some(key) => {
                let mut hasher = std::hash::DefaultHasher::new();
                key.hash(&mut hasher);
                hasher.finish() as usize % self.lanes.len()
            }
            None => self.next_unkeyed.fetch_add(1, Ordering::Relaxed) % self.lanes.len(),
        };
        self.lanes[lane].send(Job { work, committed }).await.map_err(|_| closed())?;
        let commit = committed_rx.await.map_err(|_| closed())?;
        // The outcome was sent before the batch committed; it is missing only when the
        // lane gave up on the batch before running this piece.
        match out_rx.await {
            Ok(Ok(value)) => commit.map(|()| value).map_err(E::from),
            Ok(Err(e)) => Err(e),
            Err(_) => {
                Err(E::from(commit.err().unwrap_or_else(|| {
                    StorageError::Other("the write was abandoned (it panicked; see the logs)".into())
                })))
            }
        }
    }

    pub(crate) fn stats(&self) -> WriteStats {
        WriteStats {
            commits: self.counters.commits.load(Ordering::Relaxed),
            writes: self.counters.writes.load(Ordering::Relaxed),
            failed_writes: self.counters.failed_writes.load(Ordering::Relaxed),
            max_batch: self.counters.max_batch.load(Ordering::Relaxed),
            queued: self.lanes.iter().map(|l| (l.max_capacity() - l.capacity()) as u64).sum(),
        }
    }
}

async fn run_lane(pool: Pool, mut receiver: mpsc::Receiver<Job>, counters: Arc<Counters>, max_batch: usize) {
    while let Some(first) = receiver.recv().await {
        let mut batch = vec![first];
        while batch.len() < max_batch {
            match receiver.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        run_batch(&pool, batch, &counters).await;
    }
}

async fn run_batch(pool: &Pool, batch: Vec<Job>, counters: &Counters) {
    let size = batch.len() as u64;
    counters.max_batch.fetch_max(size, Ordering::Relaxed);
    metrics::histogram!("motcua_write_batch_size").record(size as f64);
    let started = std::time::Instant::now();

    let mut tx = match pool.begin_write().await {
        Ok(tx) => tx,
        Err(e) => return fail_all(batch, e),
    };
    tx.hold_appends();
    let mut waiting = Vec::with_capacity(batch.len());
    let mut jobs = batch.into_iter().peekable();
    if let Err(e) = tx.run_fixed("SAVEPOINT motcua_write").await {
        let _ = tx.rollback().await;
        return fail_all_senders(jobs.map(|j| j.committed).collect(), e);
    }
    while let Some(job) = jobs.next() {
        counters.writes.fetch_add(1, Ordering::Relaxed);
        let more = jobs.peek().is_some();
        // A panicking piece counts as a failed one: its savepoint is undone, the lane lives on.
        let (ok, deliver) = std::panic::AssertUnwindSafe((job.work)(&mut tx))
            .catch_unwind()
            .await
            .unwrap_or_else(|_| (false, Box::new(|_| {})));
        // The piece's held-back inserts, the end of its savepoint and the start of the next one's: one round trip.
        let held_failed = match ok {
            true => tx.finish_piece(Some(if more { RELEASE_AND_NEXT } else { RELEASE })).await.err(),
            false => None,
        };
        let mut end = Ok(());
        if !ok || held_failed.is_some() {
            counters.failed_writes.fetch_add(1, Ordering::Relaxed);
            tx.discard_held();
            end = tx.run_fixed(if more { ROLLBACK_AND_NEXT } else { ROLLBACK }).await;
        }
        deliver(held_failed);
        waiting.push(job.committed);
        if let Err(e) = end {
            waiting.extend(jobs.by_ref().map(|j| j.committed));
            let _ = tx.rollback().await;
            return fail_all_senders(waiting, e);
        }
    }
    counters.commits.fetch_add(1, Ordering::Relaxed);
    let result = tx.commit().await;
    metrics::histogram!("motcua_write_commit_seconds").record(started.elapsed().as_secs_f64());
    if let Err(e) = &result {
        tracing::error!(error = %e, batch = size, "group commit failed");
    }
    for sender in waiting {
        let _ = sender.send(result.clone());
    }
}

const RELEASE: &str = "RELEASE SAVEPOINT motcua_write";
const RELEASE_AND_NEXT: &str = "RELEASE SAVEPOINT motcua_write; SAVEPOINT motcua_write";
const ROLLBACK: &str = "ROLLBACK TO SAVEPOINT motcua_write; RELEASE SAVEPOINT motcua_write";
const ROLLBACK_AND_NEXT: &str =
    "ROLLBACK TO SAVEPOINT motcua_write; RELEASE SAVEPOINT motcua_write; SAVEPOINT motcua_write";

fn fail_all(batch: Vec<Job>, error: StorageError) {
    fail_all_senders(batch.into_iter().map(|j| j.committed).collect(), error);
}

fn fail_all_senders(senders: Vec<oneshot::Sender<Result<(), StorageError>>>, error: StorageError) {
    tracing::error!(error = %error, batch = senders.len(), "write batch abandoned");
    for sender in senders {
        let _ = sender.send(Err(error.clone()));
    }
}
