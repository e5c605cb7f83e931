//! Scale (issue 8): [`generate`] fills a database with a province's worth of synthetic dossiers through the bulk
//! path of `motcua_storage::bulk`; [`load`] drives a running server over HTTP with fixed concurrency and reports
//! throughput, latency percentiles, errors and the server's peak memory.

pub mod generate;
pub mod load;
