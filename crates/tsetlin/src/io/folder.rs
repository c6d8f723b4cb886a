//! Folder-per-class trees: `root/<class>/<file>` (the 20news-bydate and aclImdb layouts).

use std::path::{Path, PathBuf};

use super::{bad_line, decode, read_all, utf8_message, Dataset, ReadOptions};
use crate::error::{Error, Result};

/// Lists the entries of `dir` whose names do not start with `.`, sorted by name (file systems
/// list in arbitrary order; sorting makes the corpus order deterministic).
fn sorted_entries(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        out.push(entry.path());
    }
    out.sort();
    Ok(out)
}

/// Reads every regular file of every class folder under `root`. Files directly under `root`
/// (such as aclImdb's `urls_pos.txt`) are not documents and are ignored; nested folders inside
/// a class folder are ignored as well. Files ending in `.gz` are decompressed.
pub(super) fn read(root: &Path, options: &ReadOptions) -> Result<Dataset> {
    let mut data = Dataset::default();
    for class_dir in sorted_entries(root)? {
        if !class_dir.is_dir() {
            continue;
        }
        let label = class_dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        for file in sorted_entries(&class_dir)? {
            if !file.is_file() {
                continue;
            }
            let bytes = read_all(&file, options.max_line_bytes)?;
            match decode(&bytes, options.encoding) {
                Ok(text) => {
                    data.labels.push(label.clone());
                    data.texts.push(text);
                }
                Err(offset) => {
                    // Report the line of the first bad byte, so the user can find it.
                    let line = 1 + bytes[..offset].iter().filter(|&&b| b == b'\n').count();
                    let line_start = bytes[..offset]
                        .iter()
                        .rposition(|&b| b == b'\n')
                        .map_or(0, |p| p + 1);
                    let err = Error::parse(&file, line, utf8_message(offset - line_start));
                    bad_line(options, &mut data.skipped, err)?;
                }
            }
        }
    }
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::super::{read_dataset, Encoding, ReadOptions};

    #[test]
    fn labels_from_folders_sorted_and_hidden_skipped() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        for (class, file, text) in [
            ("pos", "10_9.txt", "b"),
            ("pos", "1_7.txt", "a"),
            ("neg", "0_1.txt", "c"),
            ("neg", ".hidden", "x"),
            (".git", "f", "x"),
        ] {
            std::fs::create_dir_all(root.join(class)).expect("mkdir");
            std::fs::write(root.join(class).join(file), text).expect("write");
        }
        std::fs::write(root.join("urls.txt"), "not a doc").expect("write");
        let d = read_dataset(root, &ReadOptions::default()).expect("read");
        assert_eq!(d.labels, vec!["neg", "pos", "pos"]);
        assert_eq!(d.texts, vec!["c", "b", "a"]);
    }

    #[test]
    fn bad_utf8_names_file_and_line_or_decodes_latin1() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(dir.path().join("sci.med")).expect("mkdir");
        std::fs::write(dir.path().join("sci.med").join("1"), b"From: x\nna\xefve\n")
            .expect("write");
        let err = read_dataset(dir.path(), &ReadOptions::default()).expect_err("bad");
        let msg = err.to_string();
        assert!(msg.contains("1:2: invalid UTF-8 at byte 2"), "{msg}");
        let opts = ReadOptions {
            encoding: Encoding::Latin1,
            ..ReadOptions::default()
        };
        let d = read_dataset(dir.path(), &opts).expect("latin1");
        assert_eq!(d.texts[0], "From: x\nnaïve\n");
        let empty = tempfile::tempdir().expect("tempdir");
        assert!(read_dataset(empty.path(), &ReadOptions::default()).is_err());
    }

    #[test]
    fn a_document_longer_than_the_limit_is_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(dir.path().join("a")).expect("mkdir");
        std::fs::write(dir.path().join("a").join("big"), "x\n".repeat(600)).expect("write");
        let opts = ReadOptions {
            max_line_bytes: 1000,
            ..ReadOptions::default()
        };
        let err = read_dataset(dir.path(), &opts).expect_err("too long");
        assert!(err.to_string().contains("longer than 1000 bytes"), "{err}");
    }
}
