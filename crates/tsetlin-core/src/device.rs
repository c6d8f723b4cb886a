//! Where a machine runs: the device choice and its resolution. The CPU backend
//! ([`crate::backend::CpuBackend`]) is always there; a CUDA backend is not part of this build,
//! and [`cuda`] is its stand-in: asking for it explicitly is a clear error, `auto` falls back to
//! the CPU and says so. A GPU backend drops in behind the same choice without touching the
//! model, the scorer or the callers.

use std::fmt;
use std::str::FromStr;

use crate::error::{Result, TmError};

/// The device a user asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Device {
    /// The CPU backend (rayon threads).
    Cpu,
    /// An NVIDIA GPU through CUDA.
    Cuda,
    /// The best device available: CUDA when this build has it and a GPU is present, else CPU.
    #[default]
    Auto,
}

impl FromStr for Device {
    type Err = TmError;

    fn from_str(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "cpu" => Ok(Self::Cpu),
            "cuda" | "gpu" => Ok(Self::Cuda),
            "auto" => Ok(Self::Auto),
            _ => Err(TmError::InvalidParameter {
                name: "device",
                value: s.to_string(),
                reason: "must be cpu, cuda or auto",
            }),
        }
    }
}

impl fmt::Display for Device {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Cpu => "cpu",
            Self::Cuda => "cuda",
            Self::Auto => "auto",
        })
    }
}

/// The device a request resolved to, with a note for the user when it is not what they
/// named (e.g. `auto` falling back to the CPU).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// The device that will run: today always [`Device::Cpu`].
    pub device: Device,
    /// Why, when the choice was not taken literally.
    pub note: Option<String>,
}

impl Device {
    /// Resolves the choice against this build: `cpu` is the CPU; `cuda` is an error unless a
    /// CUDA backend is compiled in and finds a GPU; `auto` is CUDA when that would succeed,
    /// else the CPU with a note saying why.
    pub fn resolve(self) -> Result<Resolved> {
        match self {
            Self::Cpu => Ok(Resolved {
                device: Self::Cpu,
                note: None,
            }),
            Self::Cuda => {
                cuda::probe()?;
                Ok(Resolved {
                    device: Self::Cuda,
                    note: None,
                })
            }
            Self::Auto => match cuda::probe() {
                Ok(()) => Ok(Resolved {
                    device: Self::Cuda,
                    note: None,
                }),
                Err(e) => Ok(Resolved {
                    device: Self::Cpu,
                    note: Some(format!("using the CPU ({e})")),
                }),
            },
        }
    }
}

/// The stand-in for the CUDA backend in a build without one.
pub mod cuda {
    use crate::error::{Result, TmError};

    /// Whether a CUDA backend can run here: never in this build.
    pub fn probe() -> Result<()> {
        Err(TmError::DeviceUnavailable(
            "this build of tsetlin has no CUDA backend".to_string(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_and_print() {
        for d in [Device::Cpu, Device::Cuda, Device::Auto] {
            assert_eq!(d.to_string().parse::<Device>().expect("parse"), d);
        }
        assert_eq!("GPU".parse::<Device>().expect("parse"), Device::Cuda);
        let err = "tpu".parse::<Device>().expect_err("unknown");
        assert!(err.to_string().contains("cpu, cuda or auto"), "{err}");
    }

    #[test]
    fn cuda_is_a_clear_error_and_auto_falls_back_with_a_note() {
        let err = Device::Cuda.resolve().expect_err("no CUDA here");
        assert!(err.to_string().contains("no CUDA backend"), "{err}");
        let auto = Device::Auto.resolve().expect("auto");
        assert_eq!(auto.device, Device::Cpu);
        assert!(auto.note.expect("note").contains("using the CPU"));
        assert_eq!(Device::Cpu.resolve().expect("cpu").note, None);
    }
}
