//! tsetlin-core: the multiclass Tsetlin machine engine. Knows nothing about text.

pub mod data;
pub mod error;
pub mod params;

pub use data::{DenseRows, SparseRows};
pub use error::{Result, TmError};
pub use params::{Params, ParamsBuilder};
