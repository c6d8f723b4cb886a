//! tsetlin-core: the multiclass Tsetlin machine engine (the algorithm: `docs/TM-SPEC.md`; the
//! seams: `docs/ARCHITECTURE.md`). Knows nothing about text: rows are sets of present Boolean
//! features. A [`Model`] is the trained state, a [`CpuBackend`] trains it, a [`Scorer`]
//! (compiled once) scores it; [`TsetlinMachine`] pairs a model with a backend.
//!
//! ```
//! use tsetlin_core::{FitOptions, Params, SparseRows, TsetlinMachine, Control};
//! let x = SparseRows::from_rows(4, &[vec![0, 1], vec![2], vec![0, 1, 3], vec![3]]).unwrap();
//! let y = [1, 0, 1, 0];
//! let params = Params::builder(2, 4).clauses(10).threshold(5.0).specificity(3.0).build().unwrap();
//! let mut tm = TsetlinMachine::new(params).unwrap();
//! tm.fit(&x, &y, &FitOptions::epochs(20), |_, _| Control::Continue).unwrap();
//! assert_eq!(tm.predict(&x).unwrap(), vec![1, 0, 1, 0]);
//!
//! // Serving: compile once, share the scorer, score one document at a time.
//! let scorer = std::sync::Arc::new(tm.compile());
//! let sums = scorer.row_class_sums(&[0, 1]).unwrap();
//! assert_eq!(tsetlin_core::decide(&sums), 1);
//! // The trained state alone is plain data: save it, compare it, train it on other threads.
//! let model = tm.into_model();
//! let again = TsetlinMachine::from_model(model.clone(), 1).unwrap();
//! assert_eq!(again.model(), &model);
//! ```

mod aligned;
pub mod backend;
pub mod bank;
pub mod bernoulli;
pub mod binomial;
pub mod bits;
pub mod data;
pub mod device;
pub mod error;
mod feedback;
pub mod format;
pub mod machine;
pub mod memory;
pub mod model;
pub mod params;
mod prefetch;
pub mod rng;
pub mod rules;
pub mod scorer;
pub mod targets;
pub mod task;

pub use backend::CpuBackend;
pub use bits::planes::LayoutKind;
pub use data::{DenseRows, SparseRows};
pub use device::Device;
pub use error::{Result, TmError};
pub use machine::{Control, EpochInfo, FitOptions, FitSummary, TsetlinMachine};
pub use model::Model;
pub use params::{Params, ParamsBuilder};
pub use rules::{Explanation, FiredClause, Rule};
pub use scorer::{RowScratch, Scorer};
pub use targets::{LabelSets, Targets};
pub use task::{decide, decide_labels};
