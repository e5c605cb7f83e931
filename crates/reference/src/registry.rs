//! A population-registry server with deterministic synthetic citizens.
