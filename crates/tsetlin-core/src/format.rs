//! The model file: versioned and checksummed, refused cleanly when damaged.
//!
//! Layout (all integers little-endian):
//!
//! | bytes | content |
//! |---|---|
//! | 8 | magic `TSETLINM` |
//! | 4 | format version (currently 2) |
//! | 4 | CRC-32 of every byte after this field |
//! | 4 | header length `h` |
//! | h | header: postcard-encoded [`Params`] and training clocks |
//! | ... | per class: the state planes as `u64`, then the clause weights as `u32` |
//!
//! Version 1 also stored, per clause, the deferred forget steps (`bank::Deferred`, a
//! training-time optimisation whose size depended on a constant) after the weights. Version 2
//! stores the canonical state instead: training settles every deferred step at the end of a
//! pass, so the file is the automata themselves and equal machines give equal bytes. Version 1
//! files still load; their deferred steps are settled on loading.
//!
//! The checksum only proves the file was not damaged by accident, so the decoder also checks
//! what a crafted file could lie about: the sizes the header declares must match the bytes that
//! follow before anything is allocated, no padding bit of a state plane may be set, and every
//! clause weight must be one that training can produce.

use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::backend::CpuBackend;
use crate::bank::{ClauseBank, Deferred};
use crate::error::{Result, TmError};
use crate::machine::TsetlinMachine;
use crate::model::Model;
use crate::params::Params;

/// Magic bytes at the start of every model file.
pub const MAGIC: &[u8; 8] = b"TSETLINM";
/// The format version this build writes.
pub const FORMAT_VERSION: u32 = 2;
/// The first version, with deferred-step records; still read.
const VERSION_WITH_DEFERRED: u32 = 1;
const PREFIX: usize = 8 + 4 + 4;

#[derive(Serialize, Deserialize)]
struct Header {
    params: Params,
    steps: u64,
    passes: u64,
}

impl Model {
    /// Encodes the machine in the model format (its canonical state).
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        if self.has_deferred_steps() {
            return Err(TmError::Format(
                "the machine owes deferred forget steps (saved mid-pass?)".to_string(),
            ));
        }
        let header = postcard::to_stdvec(&Header {
            params: self.params.clone(),
            steps: self.steps,
            passes: self.passes,
        })
        .map_err(|e| TmError::Format(format!("cannot encode header: {e}")))?;
        let mut body = Vec::with_capacity(
            4 + header.len()
                + self
                    .banks
                    .iter()
                    .map(|b| b.n_clauses * b.layout.canonical_len() * 8)
                    .sum::<usize>(),
        );
        body.extend_from_slice(&(header.len() as u32).to_le_bytes());
        body.extend_from_slice(&header);
        for bank in &self.banks {
            // Plane-major per clause whatever the in-memory layout (see `Layout`).
            for j in 0..bank.n_clauses {
                for w in bank.canonical_words(j) {
                    body.extend_from_slice(&w.to_le_bytes());
                }
            }
            for w in &bank.weights {
                body.extend_from_slice(&w.to_le_bytes());
            }
        }
        Ok(frame(MAGIC, FORMAT_VERSION, &body))
    }

    /// Decodes a machine; a truncated, corrupted or future-version file is an error.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let Frame { version, body } =
            unframe(bytes, MAGIC, "tsetlin machine model", FORMAT_VERSION)?;
        if body.len() < 4 {
            return Err(TmError::Format(
                "the file ends before its header".to_string(),
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
        let with_deferred = version == VERSION_WITH_DEFERRED;
        check_declared_size(&params, with_deferred, rest.len())?;
        let valid = crate::bank::valid_mask(params.n_features);
        let mut banks = Vec::with_capacity(params.n_classes);
        for _ in 0..params.n_classes {
            let mut bank = ClauseBank::new(params.n_clauses, params.n_features, params.state_bits);
            let clause_bytes = bank.layout.canonical_len() * 8;
            let plane_bytes = bank.n_clauses * clause_bytes;
            let weight_bytes = bank.weights.len() * 4;
            let f = valid.len();
            let mut padding_set = false;
            for (j, clause) in rest
                .chunks_exact(clause_bytes)
                .take(bank.n_clauses)
                .enumerate()
            {
                let words: Vec<u64> = clause
                    .chunks_exact(8)
                    .map(|c| u64::from_le_bytes(c.try_into().unwrap_or([0; 8])))
                    .collect();
                // Every plane is `x` words then `NOT x` words, each with the same valid mask.
                padding_set |= words
                    .chunks_exact(f)
                    .any(|half| half.iter().zip(&valid).any(|(&w, &v)| w & !v != 0));
                bank.set_canonical_words(j, words.into_iter());
            }
            if padding_set {
                return Err(TmError::Format(
                    "a state plane sets a bit beyond the last feature".to_string(),
                ));
            }
            rest = &rest[plane_bytes..];
            for (w, chunk) in bank.weights.iter_mut().zip(rest.chunks_exact(4)) {
                *w = read_u32(chunk, 0);
            }
            // Training keeps every weight at 1 or more, and at exactly 1 without weighting.
            if let Some(w) = bank
                .weights
                .iter()
                .find(|&&w| w == 0 || (!params.weighted && w != 1))
            {
                return Err(TmError::Format(format!(
                    "a clause weight of {w} is impossible for a{} machine",
                    if params.weighted {
                        " weighted"
                    } else {
                        "n unweighted"
                    }
                )));
            }
            rest = &rest[weight_bytes..];
            if with_deferred {
                let pending_bytes = bank.deferred.len() * Deferred::WORDS * 4;
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
            }
            banks.push(bank);
        }
        if !rest.is_empty() {
            return Err(TmError::Format(format!(
                "{} unexpected bytes after the state planes",
                rest.len()
            )));
        }
        let mut model = Self::from_parts(params, banks, header.steps, header.passes);
        if model.has_deferred_steps() {
            // A format-v1 file: settle its deferred steps so the model is canonical.
            let mut backend = CpuBackend::new(0)?;
            backend.settle(&mut model);
        }
        Ok(model)
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

impl TsetlinMachine {
    /// See [`Model::to_bytes`].
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        self.model().to_bytes()
    }

    /// [`Model::from_bytes`], on all cores.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        Self::from_model(Model::from_bytes(bytes)?, 0)
    }

    /// See [`Model::save`].
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        self.model().save(path)
    }

    /// [`Model::load`], on all cores.
    pub fn load(path: impl AsRef<Path>) -> Result<Self> {
        Self::from_model(Model::load(path)?, 0)
    }
}

/// A decoded frame: the format version and the checksummed body.
#[derive(Debug, Clone, Copy)]
pub struct Frame<'a> {
    /// Format version (at least 1, at most the newest the caller reads).
    pub version: u32,
    /// The bytes after the checksum, checked against it.
    pub body: &'a [u8],
}

/// The one framing of the project's files: `magic` (8 bytes), `version` (u32), the CRC-32 of
/// the body (u32), then the body.
pub fn frame(magic: &[u8; 8], version: u32, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(PREFIX + body.len());
    out.extend_from_slice(magic);
    out.extend_from_slice(&version.to_le_bytes());
    out.extend_from_slice(&crc32fast::hash(body).to_le_bytes());
    out.extend_from_slice(body);
    out
}

/// Checks a frame written by [`frame`]: the magic, a version in `1..=newest`, the checksum.
/// `kind` names the file type in the error messages ("tsetlin machine model").
pub fn unframe<'a>(bytes: &'a [u8], magic: &[u8; 8], kind: &str, newest: u32) -> Result<Frame<'a>> {
    if bytes.len() < PREFIX || &bytes[..8] != magic {
        return Err(TmError::Format(
            if bytes.len() < PREFIX && magic.starts_with(&bytes[..bytes.len().min(8)]) {
                format!("{} bytes is too short to be a {kind}", bytes.len())
            } else {
                format!("not a {kind} (bad magic bytes)")
            },
        ));
    }
    let version = read_u32(bytes, 8);
    if version == 0 {
        return Err(TmError::Format(format!(
            "{kind}: format version 0 is not valid"
        )));
    }
    if version > newest {
        return Err(TmError::Format(format!(
            "{kind} format version {version} is newer than this build reads ({newest}); upgrade tsetlin"
        )));
    }
    let body = &bytes[PREFIX..];
    if crc32fast::hash(body) != read_u32(bytes, 12) {
        return Err(TmError::Format(
            "checksum mismatch: the file is truncated or corrupted".to_string(),
        ));
    }
    Ok(Frame { version, body })
}

/// Writes `bytes` to `path` atomically (see [`AtomicFile`]).
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut file = AtomicFile::create(path)?;
    file.write_all(bytes)?;
    file.commit()
}

/// A file written in full or not at all: the bytes go to a temporary file created exclusively
/// (a fresh, unpredictable name, never following a planted symlink) in the target's folder,
/// which [`AtomicFile::commit`] syncs and renames over `path`. Dropped without a commit (an
/// error, a panic), the temporary file is removed and `path` is untouched; a killed process
/// leaves at most a hidden `.<name>.<random>.tmp` beside it, never a half-written `path`.
/// Every file the libraries, the CLI and the Python package write goes through it.
#[derive(Debug)]
pub struct AtomicFile {
    tmp: tempfile::NamedTempFile,
    path: std::path::PathBuf,
}

impl AtomicFile {
    /// Starts writing `path`. Fails at once when `path` is a directory or its folder cannot
    /// take a new file, so callers can check an output location before long work.
    pub fn create(path: &Path) -> Result<Self> {
        if path.is_dir() {
            return Err(TmError::Io(std::io::Error::new(
                std::io::ErrorKind::IsADirectory,
                format!("{} is a directory, not a file", path.display()),
            )));
        }
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let prefix = format!(".{name}.");
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".tmp");
        // The temporary file is private by default; the result gets the target's permissions
        // if it exists, else 0644.
        #[cfg(unix)]
        let permissions = {
            use std::os::unix::fs::PermissionsExt;
            std::fs::metadata(path)
                .map(|m| m.permissions())
                .unwrap_or_else(|_| std::fs::Permissions::from_mode(0o644))
        };
        #[cfg(unix)]
        builder.permissions(permissions);
        let tmp = builder.tempfile_in(dir)?;
        Ok(Self {
            tmp,
            path: path.to_path_buf(),
        })
    }

    /// Flushes, syncs and renames the temporary file over the target.
    pub fn commit(self) -> Result<()> {
        self.tmp.as_file().sync_all()?;
        self.tmp
            .persist(&self.path)
            .map_err(|e| TmError::Io(e.error))?;
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.tmp.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.tmp.flush()
    }
}

/// Refuses a header whose declared sizes do not match the `available` bytes after it, before
/// anything is allocated (a crafted `n_classes = 10^9` must not reach the allocator).
fn check_declared_size(params: &Params, with_deferred: bool, available: usize) -> Result<()> {
    let words = crate::bits::words_for(params.n_features) as u128;
    let per_clause_bytes = u128::from(params.state_bits) * 2 * words * 8
        + 4
        + if with_deferred {
            (Deferred::WORDS * 4) as u128
        } else {
            0
        };
    // Checked: 2^63 classes x 2^63 clauses would wrap to 0 and pass for an empty body.
    let declared = (params.n_classes as u128)
        .checked_mul(params.n_clauses as u128)
        .and_then(|n| n.checked_mul(per_clause_bytes));
    if declared != Some(available as u128) {
        let declared = declared.map_or("more than 2^128".to_string(), |d| d.to_string());
        return Err(TmError::Format(format!(
            "the header declares {} classes x {} clauses over {} features ({declared} bytes of \
             state), but {available} bytes follow",
            params.n_classes, params.n_clauses, params.n_features
        )));
    }
    Ok(())
}

fn read_u32(bytes: &[u8], at: usize) -> u32 {
    let mut b = [0u8; 4];
    b.copy_from_slice(&bytes[at..at + 4]);
    u32::from_le_bytes(b)
}
