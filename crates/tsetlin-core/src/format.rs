//! The model file: versioned and checksummed, refused cleanly when damaged.
//!
//! Layout (all integers little-endian):
//!
//! | bytes | content |
//! |---|---|
//! | 8 | magic `TSETLINM` |
//! | 4 | format version (currently 1) |
//! | 4 | CRC-32 of every byte after this field |
//! | 4 | header length `h` |
//! | h | header: postcard-encoded [`Params`] and training clocks |
//! | ... | per class: the state planes as `u64`, the clause weights as `u32`, then each clause's
//! deferred forget steps (`bank::Deferred`) as `u32`s |

use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::bank::{ClauseBank, Deferred};
use crate::error::{Result, TmError};
use crate::machine::TsetlinMachine;
use crate::params::Params;

/// Magic bytes at the start of every model file.
pub const MAGIC: &[u8; 8] = b"TSETLINM";
/// The format version this build writes.
pub const FORMAT_VERSION: u32 = 1;
const PREFIX: usize = 8 + 4 + 4;

#[derive(Serialize, Deserialize)]
struct Header {
    params: Params,
    steps: u64,
    passes: u64,
}

impl TsetlinMachine {
    /// Encodes the machine in the model format.
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        let header = postcard::to_stdvec(&Header {
            params: self.params.clone(),
            steps: self.steps,
            passes: self.passes,
        })
        .map_err(|e| TmError::Format(format!("cannot encode header: {e}")))?;
        let mut body = Vec::with_capacity(
            4 + header.len() + self.banks.iter().map(|b| b.planes.len() * 8).sum::<usize>(),
        );
        body.extend_from_slice(&(header.len() as u32).to_le_bytes());
        body.extend_from_slice(&header);
        for bank in &self.banks {
            for w in &bank.planes {
                body.extend_from_slice(&w.to_le_bytes());
            }
            for w in &bank.weights {
                body.extend_from_slice(&w.to_le_bytes());
            }
            for d in &bank.deferred {
                for w in d.to_words() {
                    body.extend_from_slice(&w.to_le_bytes());
                }
            }
        }
        let mut out = Vec::with_capacity(PREFIX + body.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        out.extend_from_slice(&crc32fast::hash(&body).to_le_bytes());
        out.extend_from_slice(&body);
        Ok(out)
    }

    /// Decodes a machine; a truncated, corrupted or future-version file is an error.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        if bytes.len() < PREFIX + 4 {
            return Err(TmError::Format(format!(
                "{} bytes is too short to be a tsetlin model",
                bytes.len()
            )));
        }
        if &bytes[..8] != MAGIC {
            return Err(TmError::Format(
                "not a tsetlin machine model (bad magic bytes)".to_string(),
            ));
        }
        let version = read_u32(bytes, 8);
        if version > FORMAT_VERSION {
            return Err(TmError::Format(format!(
                "format version {version} is newer than this build reads ({FORMAT_VERSION}); upgrade tsetlin"
            )));
        }
        if version == 0 {
            return Err(TmError::Format("format version 0 is not valid".to_string()));
        }
        let body = &bytes[PREFIX..];
        if crc32fast::hash(body) != read_u32(bytes, 12) {
            return Err(TmError::Format(
                "checksum mismatch: the file is truncated or corrupted".to_string(),
            ));
        }
        let header_len = read_u32(body, 0) as usize;
        let header_bytes = body
            .get(4..4 + header_len)
            .ok_or_else(|| TmError::Format("header runs past the end of the file".to_string()))?;
        let header: Header = postcard::from_bytes(header_bytes)
            .map_err(|e| TmError::Format(format!("cannot decode header: {e}")))?;
        header.params.validate()?;
        let params = header.params;
        let mut rest = &body[4 + header_len..];
        let mut banks = Vec::with_capacity(params.n_classes);
        for _ in 0..params.n_classes {
            let mut bank = ClauseBank::new(params.n_clauses, params.n_features, params.state_bits);
            let plane_bytes = bank.planes.len() * 8;
            let weight_bytes = bank.weights.len() * 4;
            let pending_bytes = bank.deferred.len() * Deferred::WORDS * 4;
            if rest.len() < plane_bytes + weight_bytes + pending_bytes {
                return Err(TmError::Format(
                    "state planes end before the header says they should".to_string(),
                ));
            }
            for (w, chunk) in bank.planes.iter_mut().zip(rest.chunks_exact(8)) {
                *w = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
            }
            rest = &rest[plane_bytes..];
            for (w, chunk) in bank.weights.iter_mut().zip(rest.chunks_exact(4)) {
                *w = read_u32(chunk, 0);
            }
            rest = &rest[weight_bytes..];
            for (d, chunk) in bank
                .deferred
                .iter_mut()
                .zip(rest.chunks_exact(Deferred::WORDS * 4))
            {
                let words: Vec<u32> = chunk.chunks_exact(4).map(|c| read_u32(c, 0)).collect();
                *d = Deferred::from_words(&words).ok_or_else(|| {
                    TmError::Format("inconsistent deferred-step record".to_string())
                })?;
            }
            rest = &rest[pending_bytes..];
            bank.refresh_summaries();
            banks.push(bank);
        }
        if !rest.is_empty() {
            return Err(TmError::Format(format!(
                "{} unexpected bytes after the state planes",
                rest.len()
            )));
        }
        Self::from_parts(params, banks, header.steps, header.passes)
    }

    /// Writes the model file (to a temporary file first, so a crash never leaves half a model).
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        write_atomically(path.as_ref(), &self.to_bytes()?)
    }

    /// Reads a model file.
    pub fn load(path: impl AsRef<Path>) -> Result<Self> {
        Self::from_bytes(&std::fs::read(path)?)
    }
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = std::path::PathBuf::from(tmp);
    let mut file = std::fs::File::create(&tmp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    std::fs::rename(&tmp, path)?;
    Ok(())
}

fn read_u32(bytes: &[u8], at: usize) -> u32 {
    let mut b = [0u8; 4];
    b.copy_from_slice(&bytes[at..at + 4]);
    u32::from_le_bytes(b)
}
